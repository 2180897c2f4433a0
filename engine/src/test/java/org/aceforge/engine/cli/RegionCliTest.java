package org.aceforge.engine.cli;

import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Region tasks through the command line on the demo pack: exact splices, lengths, tasks, and bad inputs. */
class RegionCliTest extends DemoPackCliTest {
    /** A real-sounding 48 kHz stereo test signal: a chord with a slow tremolo and a little noise. */
    static Path source(Path file, double seconds) throws Exception {
        int n = (int) Math.round(seconds * 48000);
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            double t = i / 48000.0, trem = 0.6 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t);
            double l = trem * (0.2 * Math.sin(2 * Math.PI * 220 * t) + 0.1 * Math.sin(2 * Math.PI * 277.2 * t)) + 0.01 * r.nextGaussian();
            double rr = trem * (0.2 * Math.sin(2 * Math.PI * 329.6 * t) + 0.1 * Math.sin(2 * Math.PI * 110 * t)) + 0.01 * r.nextGaussian();
            b.putShort((short) Math.round(l * 32767)).putShort((short) Math.round(rr * 32767));
        }
        AudioFormat f = new AudioFormat(48000, 16, 2, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(b.array()), f, n), AudioFileFormat.Type.WAVE, file.toFile());
        return file;
    }

    /** 16-bit samples of a WAV or FLAC file (through the engine's own decoder). */
    static short[] pcm(Path file) throws Exception {
        float[] x = org.aceforge.engine.audio.AudioDecoder.decode(file).interleaved();
        short[] s = new short[x.length];
        for (int i = 0; i < x.length; i++) s[i] = (short) Math.round(x[i] * 32768f);
        return s;
    }

    RenderCliTest.Run render(String... extra) {
        List<String> a = new ArrayList<>(List.of("render", "--model", model.toString(), "--seed", "3"));
        a.addAll(Arrays.asList(extra));
        return RenderCliTest.cli(a.toArray(new String[0]));
    }

    @Test
    void repaintKeepsEverySampleOutsideTheRangeBitExact() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 12);
        Path out = tmp.resolve("rep.wav");
        RenderCliTest.Run r = render("--task", "repaint", "--src", src.toString(), "--start", "4.25", "--end", "7.5",
                "--caption", "airy pads", "--repaint-mode", "conservative", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        short[] a = pcm(src), b = pcm(out);
        assertEquals(a.length, b.length, "same length as the source");
        int s = (int) Math.round(4.25 * 48000) * 2, e = (int) Math.round(7.5 * 48000) * 2;
        int outside = 0, inside = 0;
        for (int i = 0; i < a.length; i++) {
            if (i < s || i >= e) { if (a[i] != b[i]) outside++; }
            else if (a[i] != b[i]) inside++;
        }
        assertEquals(0, outside, "samples outside the range must equal the source");
        assertTrue(inside > (e - s) / 2, "the range was regenerated (" + inside + " changed)");
        String json = Files.readString(tmp.resolve("rep.json"));
        assertTrue(json.contains("\"repaint_mode\" : \"conservative\""));
        assertTrue(json.contains("\"estimated\""), "BPM/key/meter left empty are estimated and marked: " + json);
        assertTrue(json.contains("Repaint the mask area based on the given conditions:"), "the sidecar holds the prompt the edit ran with");
        assertTrue(json.contains("\"latent_frames\" : 300"), "12 s = 300 latent frames: " + json);
    }

    @Test
    void severalRangesOutpaintingAndRegionOnly() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 10.5);
        Path multi = tmp.resolve("multi.wav");
        assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--range", "1:2", "--range", "6:8.5",
                "--caption", "x", "--out", multi.toString()).code());
        short[] a = pcm(src), m = pcm(multi);
        int[][] keep = {{0, 1}, {2, 6}, {8.5 > 0 ? 9 : 9, 10}};
        for (int[] k : keep)
            for (int i = k[0] * 96000; i < Math.min(a.length, k[1] * 96000); i++) assertEquals(a[i], m[i], "sample " + i);

        Path ext = tmp.resolve("ext.wav");
        assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--start", "-2", "--end", "12",
                "--caption", "x", "--repaint-mode", "aggressive", "--out", ext.toString()).code());
        assertEquals((int) Math.round((10.5 + 2 + 1.5) * 48000) * 2, pcm(ext).length, "outpainting extends both ends");

        Path region = tmp.resolve("region.wav");
        assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--start", "3", "--end", "5",
                "--caption", "x", "--region-only", "--handles", "0.5", "--out", region.toString()).code());
        assertEquals(3 * 48000 * 2, pcm(region).length, "region plus 0.5 s handles on each side");
    }

    @Test
    void coverAndBaseTasks() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 10);
        RenderCliTest.Run cover = render("--task", "cover", "--src", src.toString(), "--caption", "jazz trio",
                "--strength", "0.5", "--noise-strength", "0.3", "--out", tmp.resolve("cover.flac").toString());
        assertEquals(0, cover.code(), cover.err());
        assertEquals(10 * 48000 * 2, pcm(tmp.resolve("cover.flac")).length);
        RenderCliTest.Run ex = render("--task", "extract", "--variant", "base", "--steps", "3", "--src", src.toString(),
                "--track", "vocals", "--out", tmp.resolve("ex.wav").toString());
        assertEquals(0, ex.code(), ex.err());
        RenderCliTest.Run lego = render("--task", "lego", "--variant", "base", "--steps", "3", "--src", src.toString(),
                "--track", "guitar", "--caption", "funky guitar", "--range", "2:6", "--out", tmp.resolve("lego.wav").toString());
        assertEquals(0, lego.code(), lego.err());
        RenderCliTest.Run all = render("--task", "complete", "--variant", "base", "--steps", "3", "--src", src.toString(),
                "--tracks", "drums,bass", "--caption", "full band", "--ref", src.toString(), "--out", tmp.resolve("all.wav").toString());
        assertEquals(0, all.code(), all.err());
        assertTrue(Files.readString(tmp.resolve("all.json")).contains("\"reference\""));
    }

    void bad(String fragment, String... args) throws Exception {
        RenderCliTest.Run r = render(args);
        assertEquals(2, r.code(), "exit code; " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    @Test
    void editSidecarsSayWhatWasRendered() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 10);
        Path rep = tmp.resolve("rep.wav"), cov = tmp.resolve("cov.wav");
        assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--start", "2", "--end", "12", "--caption", "x",
                "--out", rep.toString()).code());
        assertEquals(0, render("--task", "cover", "--src", src.toString(), "--caption", "x", "--ref", src.toString(), "--out", cov.toString()).code());
        Path dump = tmp.resolve("rep-dump");
        assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--start", "2", "--end", "4", "--caption", "x",
                "--out", tmp.resolve("rep2.wav").toString(), "--dump", dump.toString()).code());
        for (String f : List.of("source_latents.npy", "sampled_latents.npy", "blended_latents.npy"))
            assertTrue(Files.isRegularFile(dump.resolve(f)), f);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var r = json.readTree(tmp.resolve("rep.json").toFile());
        assertEquals(0.5, r.path("edit").path("strength").asDouble(), "the effective strength, not null");
        for (String stage : List.of("load", "encode", "diffusion", "decode")) {
            var st = r.path("timing").path(stage);
            assertTrue(st.path("seconds").asDouble() >= 0 && st.path("peak_memory_mb").asLong() > 0, stage + ": " + r.path("timing"));
        }
        assertEquals("balanced", r.path("edit").path("repaint_mode").asText());
        assertEquals(12.0, r.path("duration").asDouble(), 1e-3, "outpainted to 12 s");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(src)));
        assertEquals(sha, r.path("edit").path("source_sha256").asText());
        assertEquals(org.aceforge.engine.Version.current(), r.path("aceforge_version").asText());
        assertTrue(r.path("aceforge_version").asText().matches("\\d+\\.\\d+.*"), r.path("aceforge_version").asText());
        var c = json.readTree(tmp.resolve("cov.json").toFile());
        assertEquals(1.0, c.path("edit").path("strength").asDouble());
        assertTrue(c.path("edit").path("repaint_mode").isMissingNode(), "cover has no repaint mode");
        assertEquals(10.0, c.path("duration").asDouble(), 1e-3);
        assertEquals(sha, c.path("reference_sha256").asText(), "the reference file's hash");
    }

    /** The repainted region sits at its surroundings' loudness, never clips, and the sidecar says what was done. */
    @Test
    void repaintMatchesLoudnessGuardsTruePeakAndSaysSo() throws Exception {
        short[] pcm = repaint(19.2, "4", "8", "loud");
        int fullScale = 0;
        for (short v : pcm) if (v == Short.MAX_VALUE || v == Short.MIN_VALUE) fullScale++;
        assertEquals(0, fullScale, "samples at full scale");
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("loud.json").toFile());
        assertTrue(j.path("normalization_db").isNull(), "a repaint is not normalised: the source keeps its level");
        var region = j.path("level").path("regions").get(0);
        double inside = rmsDb(pcm, 4.2, 7.8), around = rmsDb(pcm, 1, 4) / 2 + rmsDb(pcm, 8, 11) / 2;
        if (!region.path("gain_clamped").asBoolean() && region.path("true_peak_guard_db").asDouble() == 0)
            assertEquals(around, inside, 1.0, "region loudness vs its surroundings (dB)");
        assertEquals(region.path("region_rms_db").asDouble(), region.path("context_rms_db").asDouble(), 1.0);
        assertTrue(region.path("peak_db").asDouble() < 0, region.toString());
        if (!region.path("true_peak_db").isNull()) assertTrue(region.path("true_peak_db").asDouble() <= 0, region.toString());
        assertEquals(4.0, region.path("start").asDouble(), 1e-3);
    }

    /** Repaints START–END of a fresh test source {@code seconds} long into NAME.wav; returns its samples. */
    short[] repaint(double seconds, String start, String end, String name) throws Exception {
        Path src = source(tmp.resolve("src.wav"), seconds), out = tmp.resolve(name + ".wav");
        RenderCliTest.Run r = render("--task", "repaint", "--src", src.toString(), "--start", start, "--end", end, "--caption", "x",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return pcm(out);
    }

    static double rmsDb(short[] pcm, double from, double to) {
        double sum = 0;
        int a = 2 * (int) (from * 48000), b = 2 * (int) (to * 48000);
        for (int i = a; i < b; i++) sum += (pcm[i] / 32768.0) * (pcm[i] / 32768.0);
        return 10 * Math.log10(sum / (b - a));
    }

    /** A region after a gap past the source's end generates the gap too: no stretch of digital silence. */
    @Test
    void outpaintingAfterAGapContinuesTheSource() throws Exception {
        short[] pcm = repaint(10, "12", "14", "gap");
        assertEquals(14 * 48000 * 2, pcm.length);
        int zeros = 0, longest = 0;
        for (int i = 2 * 10 * 48000; i < pcm.length; i++) {
            zeros = pcm[i] == 0 ? zeros + 1 : 0;
            longest = Math.max(longest, zeros);
        }
        assertTrue(longest < 4800, "no silent gap after the source: longest run of zeros " + longest);
        var edit = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("gap.json").toFile()).path("edit");
        assertEquals("[[12.0,14.0]]", edit.path("ranges").toString());
        assertEquals("[[10.0,14.0]]", edit.path("ranges_rendered").toString());
        assertEquals(new org.aceforge.engine.timeline.Region(-3, 0), new org.aceforge.engine.timeline.Region(-3, -2).resolved(10));
    }

    /** Tempo, key and metre come from the whole source once: every region of the same song is told the same. */
    @Test
    void metadataIsEstimatedOnTheWholeSourceAndSaidWhereItCameFrom() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 12);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> seen = new ArrayList<>();
        String[][] regions = {{"2", "4"}, {"10", "14"}, {"-2", "1"}};
        for (int i = 0; i < regions.length; i++) {
            Path out = tmp.resolve("m" + i + ".wav");
            assertEquals(0, render("--task", "repaint", "--src", src.toString(), "--start", regions[i][0], "--end", regions[i][1],
                    "--caption", "x", "--bpm", "90", "--out", out.toString()).code());
            var j = json.readTree(tmp.resolve("m" + i + ".json").toFile());
            seen.add(j.path("key").asText() + "|" + j.path("timesig").asText() + "|" + j.path("bpm").asText());
            assertEquals("user", j.path("metadata_from").path("bpm").asText());
            assertEquals(j.path("estimated").path("key").isMissingNode() ? "none" : "source analysis (whole source)",
                    j.path("metadata_from").path("key").asText());
        }
        assertEquals(1, seen.stream().distinct().count(), "the same metadata for every region: " + seen);
    }

    @Test
    void badRegionInputsExitTwoAndLeaveNothing() throws Exception {
        Path src = source(tmp.resolve("src.wav"), 10);
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        String out = outDir.resolve("o.wav").toString(), s = src.toString();
        bad("before its end", "--task", "repaint", "--src", s, "--start", "5", "--end", "5", "--caption", "x", "--out", out);
        bad("not a number", "--task", "repaint", "--src", s, "--start", "NaN", "--end", "5", "--caption", "x", "--out", out);
        bad("600 s", "--task", "repaint", "--src", s, "--start", "0", "--end", "1300", "--caption", "x", "--out", out);
        bad("at most 600 s", "--task", "repaint", "--src", s, "--start", "-595", "--end", "1", "--caption", "x", "--out", out);
        bad("repaint needs a region", "--task", "repaint", "--src", s, "--caption", "x", "--out", out);
        bad("--track banjo is unknown", "--task", "extract", "--variant", "base", "--src", s, "--track", "banjo", "--out", out);
        bad("needs the base model", "--task", "extract", "--src", s, "--track", "drums", "--out", out);
        bad("needs the base model", "--task", "lego", "--variant", "sft", "--src", s, "--track", "drums", "--caption", "x", "--out", out);
        bad("needs --src", "--task", "cover", "--caption", "x", "--out", out);
        bad("does not exist", "--task", "cover", "--src", tmp.resolve("nope.wav").toString(), "--caption", "x", "--out", out);
        bad("--strength 2", "--task", "cover", "--src", s, "--strength", "2", "--caption", "x", "--out", out);
        bad("--repaint-mode wild", "--task", "repaint", "--src", s, "--start", "1", "--end", "2", "--repaint-mode", "wild", "--caption", "x", "--out", out);
        bad("S:E", "--task", "repaint", "--src", s, "--range", "1-2", "--caption", "x", "--out", out);
        bad("--duration is required", "--caption", "x", "--out", out);
        bad("--handles -1", "--task", "repaint", "--src", s, "--start", "1", "--end", "2", "--region-only", "--handles", "-1", "--caption", "x", "--out", out);
        bad("--region-only needs a region", "--task", "cover", "--src", s, "--region-only", "--caption", "x", "--out", out);
        bad("--noise-strength 1.5", "--task", "cover", "--src", s, "--noise-strength", "1.5", "--caption", "x", "--out", out);
        bad("banjo is unknown", "--task", "complete", "--variant", "base", "--src", s, "--tracks", "drums,banjo", "--caption", "x", "--out", out);
        bad("--ref", "--task", "cover", "--src", s, "--ref", tmp.resolve("no-ref.wav").toString(), "--caption", "x", "--out", out);
        bad("takes no region", "--task", "cover", "--src", s, "--range", "1:2", "--caption", "x", "--out", out);
        bad("--src is for region tasks", "--src", s, "--caption", "x", "--duration", "10", "--out", out);
        Path junk = tmp.resolve("junk.mp3");
        Files.writeString(junk, "definitely not audio");
        bad("not a recognised audio format", "--task", "cover", "--src", junk.toString(), "--caption", "x", "--out", out);
        try (Stream<Path> f = Files.list(outDir)) {
            assertEquals(List.of(), f.toList(), "no partial files");
        }
        assertFalse(Files.exists(Path.of(out)));
    }
}
