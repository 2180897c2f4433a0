package org.aceforge.engine.jobs;

import org.aceforge.engine.pipeline.LyricTimestamps;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.Renderer;
import org.aceforge.engine.sampling.Condition;

import java.util.ArrayList;
import java.util.List;

/** Auto-LRC (text2music): each variant's lyric lines timed from the DiT's cross-attention on its final latents. */
final class LrcStage {
    private LrcStage() {}

    static List<List<LyricTimestamps.Line>> run(ModelSet models, Music music, Renderer.Plan plan, Renderer.Result rendered,
                                                ProgressListener progress, CancelToken cancel) throws Exception {
        List<List<LyricTimestamps.Line>> out = new ArrayList<>();
        String lyrics = music.instrumental() || music.lyrics() == null ? "" : music.lyrics();
        int steps = plan.sampler().turbo() ? plan.sampler().schedule().length : plan.sampler().steps();
        for (int i = 0; i < rendered.audio().size(); i++) {
            cancel.check();
            progress.onProgress(new Progress(Progress.Stage.DECODING, 1, "timing the lyrics of variant " + (i + 1)));
            Condition cond = new Condition(rendered.condition().encoderStates().item(i), rendered.condition().contextLatents().item(i));
            out.add(lyrics.isBlank() ? List.of() : LyricTimestamps.compute(models, rendered.latents().item(i), cond, steps,
                    plan.lyricPrompt(), lyrics, plan.seconds()));
        }
        return out;
    }
}
