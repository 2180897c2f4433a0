package org.aceforge.engine.train;

import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.lm.CotMetadata;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.lm.LmPlanner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Auto-label: each song not yet labelled is turned into its 5 Hz codes and described by the 5 Hz LM's understand
 * path (the studio's Convert to codes + Transcribe), which gives the caption and — unless metadata is skipped — the
 * BPM, key, time signature and language; what the LM leaves open keeps the signal's estimate from the scan. Lyrics are
 * taken from the LM only when asked (its transcription of words from codes is rough) and never for an instrumental.
 */
public final class AutoLabel {
    /** The understand path's temperature in the reference (low: a description, not a variation). */
    static final double TEMPERATURE = 0.3;
    /** The LM reads at most this much of a song (its context holds about four minutes of codes). */
    static final double MAX_SECONDS = 240;

    private AutoLabel() {}

    /**
     * Labels {@code d}'s unlabelled samples on {@code service}'s worker (the models in {@code modelDir}, null: the
     * installed default or the demo pack). {@code datasetFile} resolves relative audio paths. Each sample is reported
     * to {@code progress} before its turn. Any thread but a UI's: it waits for the worker.
     */
    public static Dataset label(RenderService service, Path modelDir, Dataset d, Path datasetFile, boolean skipMetadata,
                                boolean transcribeLyrics, long seed, Consumer<DatasetSample> progress) throws Exception {
        List<DatasetSample> out = new ArrayList<>();
        LmOptions o = new LmOptions(TEMPERATURE, 1.0, 0, 0.9, LmOptions.NO_USER_INPUT, true, true, true);
        for (DatasetSample s : d.samples()) {
            if (s.labeled()) {
                out.add(s);
                continue;
            }
            progress.accept(s);
            long[] all = service.toCodes(modelDir, null, DatasetJson.audioOf(s, datasetFile)).get();
            long[] codes = java.util.Arrays.copyOf(all, (int) Math.min(all.length, MAX_SECONDS * LmPlanner.CODES_PER_SECOND));
            LmPlanner.Sample said = service.withLm(modelDir, null, false, p -> p.understand(codes, o, seed, (ph, done, total) -> { })).get();
            CotMetadata m = said.metadata();
            boolean instrumental = s.instrumental() || d.allInstrumental();
            String caption = m.caption() == null || m.caption().isBlank() ? s.caption() : m.caption().strip();
            Integer bpm = skipMetadata || m.bpm() == null ? s.bpm() : m.bpm();
            String key = skipMetadata || m.keyscale() == null ? s.keyscale() : m.keyscale();
            String ts = skipMetadata || m.timesignature() == null ? s.timesignature() : m.timesignature().toString();
            String language = instrumental ? "unknown" : skipMetadata || m.language() == null ? s.language() : m.language();
            DatasetSample labelled = s.withLabels(caption, bpm, key, ts, language);
            if (transcribeLyrics && !instrumental && (s.lyrics() == null || s.lyrics().isBlank()) && said.lyrics() != null)
                labelled = new DatasetSample(labelled.id(), labelled.audioPath(), labelled.filename(), labelled.caption(), labelled.genre(),
                        said.lyrics().strip(), labelled.bpm(), labelled.keyscale(), labelled.timesignature(), labelled.duration(),
                        labelled.language(), labelled.instrumental(), true);
            out.add(labelled);
        }
        return d.withSamples(out);
    }
}
