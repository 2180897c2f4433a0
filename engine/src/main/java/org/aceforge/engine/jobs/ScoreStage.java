package org.aceforge.engine.jobs;

import org.aceforge.engine.lm.CotMetadata;
import org.aceforge.engine.lm.Keys;
import org.aceforge.engine.lm.LmScorer;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.SourceCodes;

import java.util.ArrayList;
import java.util.List;

/** Auto score: each result's codes (the LM's, the given ones, or its own audio's) scored by the LM (spec §4.8). */
final class ScoreStage {
    private ScoreStage() {}

    static List<LmScorer.Score> run(LmScorer scorer, RenderRequest r, ModelSet models, LmStage.Outcome planned, List<float[]> audio,
                                    LatentCache latents, ProgressListener progress, CancelToken cancel) throws Exception {
        Music m = r.music();
        List<LmScorer.Score> out = new ArrayList<>();
        for (int i = 0; i < audio.size(); i++) {
            cancel.check();
            progress.onProgress(new Progress(Progress.Stage.WRITING, 0, "scoring variant " + (i + 1) + "/" + audio.size()));
            long[] codes = planned != null && planned.codes() != null ? planned.codes()[i] : m.codes() != null && !r.hasSource() ? m.codes()
                    : SourceCodes.fromSamples(models, audio.get(i), latents, null);
            CotMetadata meta = new CotMetadata(m.bpm(), null, (int) Math.round(audio.get(i).length / 2.0 / 48000), Keys.canonical(m.key()),
                    m.language() == null || m.language().equals("unknown") ? null : m.language(),
                    m.timeSignature() == null ? null : Integer.valueOf(m.timeSignature()));
            out.add(scorer.score(codes, m.caption(), m.instrumental() ? null : m.lyrics(), meta));
        }
        return out;
    }
}
