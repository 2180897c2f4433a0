package org.aceforge.ui.studio;

import org.aceforge.engine.jobs.RenderRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Render file names that say what they are, and never replace an earlier render. */
class RenderNamesTest {
    @TempDir
    Path tmp;

    RenderRequest.Builder from(Path source) {
        return RenderRequest.builder().source(source).output(tmp.resolve("x.wav")).seedNames(true);
    }

    @Test
    void namesSayWhatEachRenderIs() throws Exception {
        Path song = Files.writeString(tmp.resolve("song48.wav"), "");
        assertEquals("song48 repaint 4.0-8.0 s", RenderNames.stem(from(song).task("repaint").range(4, 8).build(), Mode.REPAINT));
        assertEquals("song48 repaint 1.0-2.0 s +1",
                RenderNames.stem(from(song).task("repaint").range(1, 2).range(6, 8).build(), Mode.REPAINT));
        assertEquals("song48 extract vocals", RenderNames.stem(from(song).task("extract").track("vocals").build(), Mode.EXTRACT));
        assertEquals("song48 complete drums+bass",
                RenderNames.stem(from(song).task("complete").tracks(java.util.List.of("drums", "bass")).build(), Mode.COMPLETE));
        Path comp = Files.writeString(tmp.resolve("song48 comp.wav"), "");
        assertEquals("song48 remix", RenderNames.stem(from(comp).task("cover").build(), Mode.REMIX), "a comp is still the same song");
        assertEquals("warm lofi hip hop custom",
                RenderNames.stem(RenderRequest.builder().caption("Warm lofi: hip hop, dusty piano").output(tmp.resolve("x.wav")).build(), Mode.CUSTOM),
                "the caption's first four words");
        assertEquals("song custom", RenderNames.stem(RenderRequest.builder().output(tmp.resolve("x.wav")).build(), Mode.CUSTOM));
        assertEquals("a-b-c", RenderNames.safe("a/b:c"));
    }

    @Test
    void variantsCarryTheirNumberAndSeedAndNeverReplaceAFile() throws Exception {
        RenderRequest r = RenderRequest.builder().output(tmp.resolve("song48 repaint 4.0-8.0 s.wav")).seedNames(true).batch(2).build();
        Path first = r.audioPath(2, 1234);
        assertEquals("song48 repaint 4.0-8.0 s v2 seed 1234.wav", first.getFileName().toString());
        Files.writeString(first, "");
        assertEquals("song48 repaint 4.0-8.0 s v2 seed 1234 (2).wav", r.audioPath(2, 1234).getFileName().toString());
        assertEquals("song48 repaint 4.0-8.0 s v2 seed 1234.json", RenderRequest.besideAudio(first, ".json").getFileName().toString());
        RenderRequest cli = RenderRequest.builder().output(tmp.resolve("out.wav")).batch(2).build();
        assertEquals("out-2.wav", cli.audioPath(2, 1234).getFileName().toString(), "the command line keeps NAME-i.EXT");
    }
}
