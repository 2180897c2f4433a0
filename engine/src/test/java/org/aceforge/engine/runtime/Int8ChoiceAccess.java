package org.aceforge.engine.runtime;

/** Lets tests in other packages forget this process's INT8 choice after forcing another, and ask whether the CPU has VNNI. */
public final class Int8ChoiceAccess {
    private Int8ChoiceAccess() {}

    public static void reset() {
        Int8Choice.reset();
    }

    /** Whether this CPU has VNNI (see Int8ChoiceTest#vnni). */
    public static boolean vnni() {
        return Int8ChoiceTest.vnni();
    }
}
