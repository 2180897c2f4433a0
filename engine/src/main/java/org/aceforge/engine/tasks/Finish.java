package org.aceforge.engine.tasks;

import java.util.List;

/**
 * One variant's final audio and what was done to its level, for the sidecar.
 *
 * @param normalizedPeakDb the peak the whole result was normalised to (dBFS), or null when its level was left to the
 *                         source (repaint) or to the model (aggressive repaint)
 * @param limited          the decode exceeded full scale and was scaled down to it
 * @param splice           per repainted region: the loudness match and the true-peak guard (empty for other tasks)
 */
public record Finish(float[] audio, Double normalizedPeakDb, boolean limited, List<Splice.Report> splice) {}
