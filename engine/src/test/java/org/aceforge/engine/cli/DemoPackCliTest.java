package org.aceforge.engine.cli;

import org.aceforge.engine.DemoPackFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line tests on the demo pack: a temporary folder per test and the pack's path. */
abstract class DemoPackCliTest {
    @TempDir
    Path tmp;
    static Path model;

    @BeforeAll
    static void demo() {
        model = DemoPackFixture.pack().root();
    }

    /** Runs the CLI with {@code first} and then {@code extra} arguments. */
    static RenderCliTest.Run run(List<String> first, String... extra) {
        List<String> a = new ArrayList<>(first);
        a.addAll(Arrays.asList(extra));
        return RenderCliTest.cli(a.toArray(new String[0]));
    }
}
