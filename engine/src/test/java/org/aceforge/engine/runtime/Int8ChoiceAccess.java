package org.aceforge.engine.runtime;

/** Lets tests in other packages forget this process's INT8 choice after forcing another. */
public final class Int8ChoiceAccess {
    private Int8ChoiceAccess() {}

    public static void reset() {
        Int8Choice.reset();
    }
}
