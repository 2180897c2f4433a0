package org.aceforge.engine.jobs;

import org.aceforge.engine.audio.AudioFileWriter;
import org.aceforge.engine.lm.LmScorer;
import org.aceforge.engine.pipeline.LyricTimestamps;
import org.aceforge.engine.pipeline.Renderer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a render's files: per variant the audio, the LRC (auto-LRC) and the JSON sidecar, each atomically; if any
 * write fails, the files already written are removed (nothing partial is left).
 */
final class ResultWriter {
    private ResultWriter() {}

    /** Where the models and the input files came from, for the sidecars (hashes null when there is no such file). */
    record Provenance(String modelRoot, String ditFolder, boolean demo, String lmFolder, String sourceSha256, String referenceSha256,
                      Music askedMusic, MemoryPolicy.Applied memory, java.util.List<StageTime> timing,
                      java.util.List<String> adapted, String int8Kernel, String encoderKernel) {}

    static List<RenderResult.Item> write(RenderRequest asked, RenderRequest r, Renderer.Plan plan, Renderer.Result rendered,
                                         Provenance from, LmStage.Outcome planned, List<List<LyricTimestamps.Line>> lrc,
                                         List<LmScorer.Score> scores, ProgressListener progress) throws IOException {
        List<float[]> audio = rendered.audio();
        List<RenderResult.Item> items = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        try {
            for (int i = 0; i < audio.size(); i++) {
                Path a = r.audioPath(i + 1, plan.seeds()[i]), s = RenderRequest.besideAudio(a, ".json");
                AudioFileWriter.write(a, audio.get(i), 2, Renderer.RATE);
                written.add(a);
                var node = Sidecar.build(r, plan, rendered, i, from, a.getFileName().toString());
                if (planned != null) Sidecar.addLm(node, asked, planned, i, from.lmFolder());
                if (scores != null) Sidecar.addScore(node, scores.get(i));
                if (lrc != null) {
                    Path l = RenderRequest.besideAudio(a, ".lrc");
                    Sidecar.writeText(l, LyricTimestamps.lrc(lrc.get(i)));
                    written.add(l);
                    Sidecar.addLrc(node, l, lrc.get(i));
                }
                Sidecar.write(s, node);
                written.add(s);
                items.add(new RenderResult.Item(a, s, plan.seeds()[i], Math.round(audio.get(i).length / 2.0 / Renderer.RATE * 1000) / 1000.0));
                progress.onProgress(new Progress(Progress.Stage.WRITING, (i + 1.0) / audio.size(), "wrote " + a.getFileName()));
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : written) Files.deleteIfExists(p);
            throw e;
        }
        return items;
    }
}
