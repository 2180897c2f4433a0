package org.aceforge.engine.jobs;

import org.aceforge.engine.lm.CotMetadata;
import org.aceforge.engine.lm.Keys;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.lm.LmPlanner;

import java.util.Arrays;

/**
 * The LM phase of a text2music render (spec §2.2): Simple mode's sample, the chain of thought for the metadata the
 * user left empty, and the audio codes. User values always win; the LM's caption and language replace the user's
 * only with CaptionRewrite / CoT language. The codes' length is the duration (user's, else the LM's), 5 per second.
 */
final class LmStage {
    private LmStage() {}

    /** The request as planned, and what the LM wrote (for the sidecars and the details view). */
    record Outcome(RenderRequest planned, LmPlanner.Sample sample, CotMetadata cot, long[][] codes, java.util.List<String> trace) {}

    static Outcome run(RenderRequest r, long[] seeds, LmPlanner planner, ProgressListener progress, CancelToken cancel) throws Exception {
        java.util.List<String> trace = r.lm().debug() ? new java.util.ArrayList<>() : null;
        planner.trace(trace == null ? null : trace::add);
        try {
            return plan(r, seeds, planner, progress, cancel, trace);
        } finally {
            planner.trace(null);
        }
    }

    private static Outcome plan(RenderRequest r, long[] seeds, LmPlanner planner, ProgressListener progress, CancelToken cancel,
                                java.util.List<String> trace) throws Exception {
        LmRequest lm = r.lm();
        LmOptions o = lm.options();
        LmPlanner.Progress tokens = (phase, done, total) -> {
            cancel.check();
            progress.onProgress(new Progress(Progress.Stage.PLANNING, total == 0 ? 0 : (double) done / total, "LM: " + phase
                    + (phase.equals("audio codes") ? " " + done + "/" + total : "")));
        };
        Music music = r.music();
        String caption = music.caption(), lyrics = music.lyrics(), key = Keys.canonical(music.key()), language = music.language();
        Integer bpm = music.bpm(), ts = music.timeSignature() == null ? null : Integer.valueOf(music.timeSignature());
        Integer duration = music.duration() == -1 ? null : (int) Math.round(music.duration());
        LmPlanner.Sample sample = null;
        Double codeSeconds = music.codes() == null ? null : music.codes().length / (double) LmPlanner.CODES_PER_SECOND;
        if (codeSeconds != null) duration = (int) Math.round(codeSeconds);   // the codes fix the length
        if (lm.describe() != null || lm.format()) {
            sample = lm.describe() != null ? planner.createSample(lm.describe(), music.instrumental(), language, o, seeds[0], tokens)
                    : planner.format(new LmPlanner.Given(caption, lyrics, bpm, key, ts, duration, unknown(language) ? null : language),
                    music.instrumental(), o, seeds[0], tokens);
            CotMetadata m = sample.metadata();
            caption = m.caption() != null ? m.caption() : lm.describe() != null ? lm.describe() : caption;
            lyrics = sample.lyrics();
            if (bpm == null) bpm = m.bpm();
            if (key == null) key = m.keyscale();
            if (ts == null) ts = m.timesignature();
            if (duration == null) duration = m.duration();
            if (unknown(language)) language = m.language();
        }
        boolean unknownLanguage = unknown(language);
        LmPlanner.Given given = new LmPlanner.Given(caption, lyrics, bpm, key, ts, duration, unknownLanguage ? null : language);
        CotMetadata cot;
        boolean allGiven = bpm != null && key != null && ts != null && duration != null;
        if (o.cotMetas() && !allGiven) {
            cot = planner.think(given, o, seeds[0], tokens);
            if (bpm == null) bpm = cot.bpm();
            if (key == null) key = cot.keyscale();
            if (ts == null) ts = cot.timesignature();
            if (duration == null) duration = cot.duration();
            if (unknownLanguage && o.cotLanguage()) language = cot.language();
        } else {
            cot = new CotMetadata(bpm, caption, duration, key, unknownLanguage ? null : language, ts);
        }
        String ditCaption = o.cotCaption() && cot.caption() != null && !cot.caption().isBlank() ? cot.caption() : caption;
        double seconds = codeSeconds != null ? codeSeconds : duration != null ? duration : PlanStage.autoDuration(seeds[0]);
        cot = new CotMetadata(cot.bpm(), cot.caption(), (int) Math.round(seconds), cot.keyscale(), cot.language(), cot.timesignature());
        long[][] codes = null;
        if (lm.think() && music.codes() == null) {
            int count = (int) (seconds * LmPlanner.CODES_PER_SECOND);
            codes = new long[seeds.length][];
            for (int from = 0; from < seeds.length; from += lm.chunk()) {
                int to = Math.min(seeds.length, from + lm.chunk());
                long[][] part = planner.codes(caption, lyrics, cot, to - from, count, o, Arrays.copyOfRange(seeds, from, to), tokens);
                System.arraycopy(part, 0, codes, from, part.length);
            }
        }
        RenderRequest planned = r.withPlanned(ditCaption, lyrics, bpm, key, ts == null ? null : ts.toString(), seconds, language);
        return new Outcome(planned, sample, cot, codes, trace);
    }

    private static boolean unknown(String language) {
        return language == null || language.isBlank() || language.equals("unknown");
    }
}
