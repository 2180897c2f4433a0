package org.aceforge.engine.jobs;

/**
 * One stage of a render (load, lm, encode — text and source —, condition, diffusion, decode, write, …): its seconds
 * and the peak resident memory in MB while it ran (null when unknown).
 */
public record StageTime(String name, double seconds, Long peakMb) {}
