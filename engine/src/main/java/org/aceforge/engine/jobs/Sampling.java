package org.aceforge.engine.jobs;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.sampling.Method;

import java.util.List;

/**
 * How the DiT samples. Null means the model's default ({@link org.aceforge.engine.jobs.Defaults}; turbo has its
 * fixed 8-step table and no guidance).
 *
 * @param seeds        one per variant or fewer; −1 draws a random seed; missing ones continue from the last seed + 1
 * @param initialNoise a .npy file holding the initial noise [B, T, C] in place of the seeded one (as --dump writes
 *                     noise.npy), so external references can be compared end to end; null: from the seeds
 */
public record Sampling(int batch, List<Long> seeds, Integer steps, Double shift, Method method, double[] timesteps,
                       Double guidance, boolean adg, double cfgStart, double cfgEnd, java.nio.file.Path initialNoise) {
    public static final int MAX_BATCH = 8;

    void validate() {
        if (batch < 1 || batch > MAX_BATCH) throw new BadRequestException(RequestField.BATCH, batch + " is out of range: use 1 to 8");
        for (long s : seeds)
            if (s != -1 && (s < 0 || s > 0xFFFFFFFFL)) throw new BadRequestException(RequestField.SEED, s + " is out of range: use 0 to 4294967295, or -1 for random");
        if (seeds.size() > batch) throw new BadRequestException(RequestField.SEED, "lists " + seeds.size() + " seeds for a batch of " + batch);
        if (steps != null && (steps < 1 || steps > 200)) throw new BadRequestException(RequestField.STEPS, steps + " is out of range: use 1 to 200");
        if (shift != null && !(shift >= 1.0 && shift <= 5.0)) throw new BadRequestException(RequestField.SHIFT, shift + " is out of range: use 1.0 to 5.0");
        if (guidance != null && !(guidance >= 1.0 && guidance <= 30.0)) throw new BadRequestException(RequestField.GUIDANCE, guidance + " is out of range: use 1.0 to 30.0");
        if (!(cfgStart >= 0 && cfgEnd <= 1 && cfgStart <= cfgEnd))
            throw new BadRequestException(RequestField.CFG_INTERVAL, BadRequestException.number(cfgStart) + "," + BadRequestException.number(cfgEnd) + " is invalid: use A,B with 0 <= A <= B <= 1");
        if (initialNoise != null && !java.nio.file.Files.isRegularFile(initialNoise))
            throw new BadRequestException(RequestField.INITIAL_NOISE, initialNoise + " does not exist");
        if (timesteps != null) {
            if (timesteps.length == 0 || timesteps.length > 20) throw new BadRequestException(RequestField.TIMESTEPS, "needs 1 to 20 values");
            for (double t : timesteps)
                if (!(t >= 0 && t <= 1)) throw new BadRequestException(RequestField.TIMESTEPS, "value " + t + " is outside [0, 1]");
        }
    }
}
