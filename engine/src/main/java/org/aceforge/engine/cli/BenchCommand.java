package org.aceforge.engine.cli;

import org.aceforge.engine.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code aceforge bench}: prints DiT step time and GFLOP/s against the machine's matmul peak, and the VAE real-time factor. */
@Command(name = "bench", description = "Measure the matmul peak, DiT step time and VAE decode speed on this machine.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "30", description = "Audio length the DiT step is measured at (default 30 s).")
    double seconds;
    @Option(names = "--full-layers", defaultValue = "24", description = "Layers of the full-size DiT (24 = the real model; 0 skips it).")
    int fullLayers;
    @Option(names = "--lm-layers", defaultValue = "0", description = "Layers of the 1.7B-geometry 5 Hz LM to measure (28 = the real model, 7.4 GB of RAM; 0 skips it).")
    int lmLayers;
    @Option(names = "--int8", description = "Also measure the full-size DiT on int8 weights (MatMulNBits).")
    boolean int8;
    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per figure (median reported).")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 600) throw new IllegalArgumentException("--seconds must be 1 to 600");
        if (fullLayers < 0 || fullLayers > 24) throw new IllegalArgumentException("--full-layers must be 0 to 24");
        if (repeats < 1 || repeats > 50) throw new IllegalArgumentException("--repeats must be 1 to 50");
        if (lmLayers < 0 || lmLayers > 28) throw new IllegalArgumentException("--lm-layers must be 0 to 28");
        new Bench(seconds, fullLayers, repeats, System.out).lmLayers(lmLayers).int8(int8).run();
        return Main.OK;
    }
}
