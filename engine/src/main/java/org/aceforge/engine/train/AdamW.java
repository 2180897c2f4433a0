package org.aceforge.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, Loshchilov &amp; Hutter), as PyTorch's {@code torch.optim.AdamW} defines it: m and v
 * with bias correction, then p ← p − lr·(m̂/(√v̂ + ε) + λ·p). Its moments and step count are part of a training
 * checkpoint, so a resumed run continues exactly. Training thread only.
 */
public final class AdamW {
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;
    private final double weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private long steps;

    public AdamW(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public long steps() { return steps; }

    /** One update of every parameter from its gradient (same keys); {@code lr} for this step. */
    public void step(Map<String, float[]> params, Map<String, float[]> grads, double lr) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps), c2 = 1 - Math.pow(BETA2, steps);
        for (var e : params.entrySet()) {
            m.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
            v.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
        }
        // Each tensor on its own, in parallel: the same arithmetic element by element, so the same bits as one thread
        // (measured: 0.65–0.8 s a step for the 44 M values of a rank-64 adapter on one core of two).
        params.entrySet().parallelStream().forEach(e -> {
            float[] p = e.getValue(), g = grads.get(e.getKey());
            float[] mm = m.get(e.getKey()), vv = v.get(e.getKey());
            for (int i = 0; i < p.length; i++) {
                mm[i] = (float) (BETA1 * mm[i] + (1 - BETA1) * g[i]);
                vv[i] = (float) (BETA2 * vv[i] + (1 - BETA2) * g[i] * (double) g[i]);
                double update = (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + EPS);
                p[i] = (float) (p[i] - lr * (update + weightDecay * p[i]));
            }
        });
    }

    /** The moments by parameter key ("m." / "v." prefixes), for a checkpoint. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    /** Restores what {@link #state} gave, and the step count. */
    public void restore(Map<String, float[]> state, long stepCount) {
        m.clear();
        v.clear();
        state.forEach((k, a) -> {
            if (k.startsWith("m.")) m.put(k.substring(2), a.clone());
            else if (k.startsWith("v.")) v.put(k.substring(2), a.clone());
        });
        steps = stepCount;
    }
}
