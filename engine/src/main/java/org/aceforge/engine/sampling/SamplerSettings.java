package org.aceforge.engine.sampling;

/**
 * Everything the flow-matching loop needs besides the model and the condition.
 *
 * @param turbo              turbo (fixed tables, no CFG, last step jumps to x0) or base/SFT (linspace + shift, CFG)
 * @param steps              base/SFT step count (turbo always uses its table)
 * @param shift              timestep shift (turbo: snapped to 1, 2 or 3)
 * @param customTimesteps    turbo: custom schedule (snapped); null for the table
 * @param sde                re-noise with fresh noise after each step instead of the Euler ODE step
 * @param guidance           base/SFT CFG scale; ≤ 1 turns CFG off
 * @param adg                ADG instead of APG
 * @param cfgStart           CFG applies while cfgStart ≤ t ≤ cfgEnd
 * @param cfgEnd             see cfgStart
 * @param coverStrength      fraction of steps that use the cover condition before switching to the non-cover one
 * @param coverNoiseStrength 0 = start from pure noise; otherwise start from the source, re-noised to the nearest step
 */
public record SamplerSettings(boolean turbo, int steps, double shift, double[] customTimesteps, boolean sde,
                              double guidance, boolean adg, double cfgStart, double cfgEnd,
                              double coverStrength, double coverNoiseStrength) {

    public static SamplerSettings turbo(double shift) {
        return new SamplerSettings(true, 8, shift, null, false, 1.0, false, 0, 1, 1.0, 0);
    }

    public static SamplerSettings base(int steps, double shift, double guidance) {
        return new SamplerSettings(false, steps, shift, null, false, guidance, false, 0, 1, 1.0, 0);
    }

    public SamplerSettings withCover(double strength, double noiseStrength) {
        return new SamplerSettings(turbo, steps, shift, customTimesteps, sde, guidance, adg, cfgStart, cfgEnd, strength, noiseStrength);
    }

    public SamplerSettings withCfg(double guidance, boolean adg, double start, double end) {
        return new SamplerSettings(turbo, steps, shift, customTimesteps, sde, guidance, adg, start, end, coverStrength, coverNoiseStrength);
    }

    public SamplerSettings withSde(boolean sde) {
        return new SamplerSettings(turbo, steps, shift, customTimesteps, sde, guidance, adg, cfgStart, cfgEnd, coverStrength, coverNoiseStrength);
    }

    public SamplerSettings withTimesteps(double[] custom) {
        return new SamplerSettings(turbo, steps, shift, custom, sde, guidance, adg, cfgStart, cfgEnd, coverStrength, coverNoiseStrength);
    }

    /** Model evaluations as scheduled: turbo t values, or base t values including the final 0. */
    public double[] schedule() {
        return turbo ? Schedules.turbo(shift, customTimesteps) : Schedules.base(steps, shift);
    }
}
