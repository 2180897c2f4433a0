package org.aceforge.engine.jobs;

import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.RenderStages;
import org.aceforge.engine.pipeline.VaeModel;
import org.aceforge.engine.sampling.StepListener;

/**
 * The renderer's stage callbacks for a job: each reports progress and is a point where a cancel takes effect; with
 * offload the DiT and the text encoder are released once diffusion is over (only the VAE is needed then).
 */
final class JobStages implements RenderStages {
    private final ProgressListener progress;
    private final CancelToken cancel;
    private final ModelSet releaseAfterDiffusion;
    private final java.util.List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** {@code releaseAfterDiffusion}: the models to offload before decoding, or null to keep them. */
    JobStages(ProgressListener progress, CancelToken cancel, ModelSet releaseAfterDiffusion) {
        this.progress = progress;
        this.cancel = cancel;
        this.releaseAfterDiffusion = releaseAfterDiffusion;
    }

    @Override
    public void encoding(double f) {
        cancel.check();
        progress.onProgress(new Progress(Progress.Stage.ENCODING, f, "encoding caption and lyrics"));
    }

    @Override
    public void conditioning() {
        cancel.check();
        progress.onProgress(new Progress(Progress.Stage.CONDITIONING, 0, "encoding the condition"));
    }

    @Override
    public void note(String line) {
        notes.add(line);
        progress.onProgress(new Progress(Progress.Stage.DECODING, 0, line));
    }

    /** What the render had to adapt, in words. */
    java.util.List<String> notes() {
        return notes;
    }

    @Override
    public StepListener diffusion() {
        // Said before the first step, so the stage clock counts that step as diffusion (not as encoding).
        cancel.check();
        progress.onProgress(new Progress(Progress.Stage.DIFFUSION, 0, "diffusion"));
        return (step, total, x) -> {
            progress.onProgress(new Progress(Progress.Stage.DIFFUSION, (double) step / total, "diffusion step " + step + "/" + total));
            cancel.check();
        };
    }

    @Override
    public VaeModel.ProgressSink decoding(int item, int items) {
        if (releaseAfterDiffusion != null && item == 0) {
            releaseAfterDiffusion.dit().releaseSessions();
            releaseAfterDiffusion.text().releaseSessions();
        }
        // Said at the start too: a decode in one tile reports no fraction, and the stage clock follows these.
        progress.onProgress(new Progress(Progress.Stage.DECODING, (double) item / items, "decoding variant " + (item + 1) + "/" + items));
        return (f, msg) -> {
            cancel.check();
            progress.onProgress(new Progress(Progress.Stage.DECODING, (item + f) / items, "decoding variant " + (item + 1) + "/" + items));
        };
    }
}
