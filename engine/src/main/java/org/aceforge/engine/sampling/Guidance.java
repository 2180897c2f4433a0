package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/**
 * Classifier-free guidance rules of the base/SFT sampler, computed in double precision on [B, T, C] velocities.
 * APG (default): momentum −0.75, norm threshold 2.5, norms over the time axis per channel, orthogonal part only.
 * ADG: angle-based guidance on the predicted clean latents, per frame over channels.
 */
public final class Guidance {
    private Guidance() {}

    /** Momentum state of one APG run (reset per generation). */
    public static final class Momentum {
        private static final double MOMENTUM = -0.75;
        private double[] running;

        double[] update(double[] diff) {
            if (running == null) running = diff.clone();
            else for (int i = 0; i < diff.length; i++) running[i] = diff[i] + MOMENTUM * running[i];
            return running.clone();
        }
    }

    public static float[] apg(Tensor3 cond, Tensor3 uncond, double scale, Momentum momentum) {
        int B = cond.batch(), T = cond.frames(), C = cond.channels();
        float[] vc = cond.data(), vu = uncond.data();
        double[] diff = new double[vc.length];
        for (int i = 0; i < diff.length; i++) diff[i] = (double) vc[i] - vu[i];
        if (momentum != null) diff = momentum.update(diff);
        float[] out = new float[vc.length];
        for (int b = 0; b < B; b++)
            for (int c = 0; c < C; c++) {
                double dn = 0, cn = 0;
                for (int t = 0; t < T; t++) {
                    int i = (b * T + t) * C + c;
                    dn += diff[i] * diff[i];
                    cn += (double) vc[i] * vc[i];
                }
                double f = Math.min(1.0, 2.5 / Math.sqrt(dn));
                double norm = Math.max(Math.sqrt(cn), 1e-12);
                double dot = 0;
                for (int t = 0; t < T; t++) {
                    int i = (b * T + t) * C + c;
                    dot += diff[i] * f * (vc[i] / norm);
                }
                for (int t = 0; t < T; t++) {
                    int i = (b * T + t) * C + c;
                    double orth = diff[i] * f - dot * (vc[i] / norm);
                    out[i] = (float) (vc[i] + (scale - 1) * orth);
                }
            }
        return out;
    }

    /** The reference clips the angle at 3.14/6 (not π/6). */
    private static final double ANGLE_CLIP = 3.14 / 6;

    public static float[] adg(Tensor3 x, Tensor3 cond, Tensor3 uncond, double t, double scale) {
        int rows = cond.batch() * cond.frames(), C = cond.channels();
        double w = Math.max(scale - 1, 0) + 1e-3;
        float[] out = new float[cond.data().length];
        double[] hc = new double[C], hu = new double[C];
        for (int r = 0; r < rows; r++) {
            double nc = 0, nu = 0, dot = 0, uu = 0, du = 0;
            for (int c = 0; c < C; c++) {
                int i = r * C + c;
                hc[c] = x.data()[i] - t * cond.data()[i];
                hu[c] = x.data()[i] - t * uncond.data()[i];
                nc += hc[c] * hc[c];
                nu += hu[c] * hu[c];
                dot += hc[c] * hu[c];
            }
            double cos = dot / (Math.sqrt(nc) * Math.sqrt(nu));
            cos = Math.max(-1 + 1e-6, Math.min(1 - 1e-6, cos));
            double theta = Math.acos(cos);
            double thetaNew = Math.max(-ANGLE_CLIP, Math.min(ANGLE_CLIP, w * theta));
            for (int c = 0; c < C; c++) {
                double d = hc[c] - hu[c];
                du += d * hu[c];
                uu += hu[c] * hu[c];
            }
            double projScale = du / (uu + 1e-8);
            double sinT = Math.sin(theta);
            for (int c = 0; c < C; c++) {
                double perp = (hc[c] - hu[c]) - projScale * hu[c];
                double p = sinT > 1e-3 ? perp * Math.sin(thetaNew) / sinT : perp * w;
                double xNew = Math.cos(thetaNew) * hc[c] + p;
                int i = r * C + c;
                out[i] = (float) ((x.data()[i] - xNew) / t);
            }
        }
        return out;
    }
}
