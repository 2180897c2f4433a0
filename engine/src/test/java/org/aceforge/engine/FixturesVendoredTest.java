package org.aceforge.engine;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vendored fixtures are byte-identical to {@code shared/fixtures} when that folder sits beside the repository. */
class FixturesVendoredTest {
    static List<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void vendoredFixturesEqualTheSharedOnes() throws Exception {
        String shared = System.getProperty("aceforge.sharedFixtures", "../../shared/fixtures");
        Path theirs = Path.of(shared).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(theirs), "no shared/fixtures beside the repository");
        Path ours = Fixtures.root();
        List<String> names = files(ours);
        assertEquals(files(theirs), names, "the same files");
        for (String n : names) assertArrayEquals(Files.readAllBytes(theirs.resolve(n)), Files.readAllBytes(ours.resolve(n)), n);
    }
}
