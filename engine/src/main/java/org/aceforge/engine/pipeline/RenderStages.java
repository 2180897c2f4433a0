package org.aceforge.engine.pipeline;

import org.aceforge.engine.sampling.StepListener;

/** Stage callbacks from the pipeline, text2music and region edits alike (progress and cancellation live behind this). */
public interface RenderStages {
    void encoding(double fraction) throws Exception;

    /** The condition encoder starts (lyrics, timbre and caption into the DiT's cross-attention sequence). */
    default void conditioning() throws Exception {}

    StepListener diffusion();

    VaeModel.ProgressSink decoding(int item, int items);

    /** A line for the user about how the render had to adapt (out of memory: smaller tiles). */
    default void note(String line) {}
}
