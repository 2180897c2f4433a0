package org.aceforge.engine.sampling;

import org.aceforge.engine.tensors.Tensor3;

/** One DiT evaluation: x_t [B, T, C] at timestep t (same for every item) → velocity [B, T, C]. */
@FunctionalInterface
public interface VelocityModel {
    Tensor3 velocity(Tensor3 xt, double t, Condition condition) throws Exception;
}
