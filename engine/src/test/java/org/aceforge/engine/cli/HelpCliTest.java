package org.aceforge.engine.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command answers --help (and -h) with its usage and exit 0; the top-level help lists every command; an
 * internal error is one line naming the log file (the trace goes to the file).
 */
class HelpCliTest {
    static final List<String> COMMANDS = List.of("render", "codes", "models", "models make-demo", "models list", "models download", "bench",
            "probe", "studio", "install-plugin");

    @Test
    void everyCommandAnswersHelp() {
        for (String c : COMMANDS)
            for (String flag : List.of("--help", "-h")) {
                String[] args = (c + " " + flag).split(" ");
                RenderCliTest.Run r = RenderCliTest.cli(args);
                assertEquals(0, r.code(), c + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: aceforge " + c), c + " " + flag + ": " + r.out());
            }
    }

    @Test
    void theTopLevelHelpListsEveryCommand() {
        RenderCliTest.Run r = RenderCliTest.cli("--help");
        assertEquals(0, r.code());
        for (String c : List.of("render", "codes", "models", "bench", "probe", "studio", "install-plugin"))
            assertTrue(r.out().contains("\n  " + c + " "), c + " in\n" + r.out());
    }

    @Test
    void anInternalErrorIsOneLineWithTheLogPath() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new java.io.PrintStream(captured, true));
            code = Main.handle(new IllegalStateException("boom", new RuntimeException("deeper")));
        } finally {
            System.setErr(err);
        }
        assertEquals(Main.INTERNAL, code);
        String text = captured.toString().strip();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains("boom") && text.contains(Main.logFile().toString()), text);
    }
}
