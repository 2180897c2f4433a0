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
    @Option(names = "--int8", description = "Also measure the full-size DiT on int8 weights (the kernel this CPU chose; MatMulNBits where none is faster than fp32); with --song, render the song on int8 weights.")
    boolean int8;
    @Option(names = "--song", paramLabel = "SECONDS", description = "Render a whole turbo song of this length (10 to 600 s) at full model size with random weights, "
            + "timed stage by stage (the pack, ~11 GB, is written once into the cache).")
    Double song;
    @Option(names = "--compare-fp32", description = "With --song --int8: also render the song on fp32 weights in the same run.")
    boolean compareFp32;
    @Option(names = "--model", paramLabel = "DIR", description = "With --song: render with this checkpoints folder instead of the full-size random pack.")
    java.nio.file.Path model;
    @Option(names = "--repeats", description = "Timed runs per figure, the median reported (default 3; with --song 1: "
            + "each run is a whole render, and the line shown is the median render's).")
    Integer repeatsOption;
    int repeats;
    @Option(names = "--train-step", paramLabel = "SECONDS", split = ",", description = "Time one LoRA training step (forward, backward, AdamW) "
            + "on the full-size DiT for songs of these lengths, e.g. 10,30 (the full-size random pack, or --model).")
    double[] trainStep;
    @Option(names = "--rank", defaultValue = "64", description = "With --train-step: the LoRA rank (default 64).")
    int rank;

    @Override
    public Integer call() throws Exception {
        repeats = repeatsOption != null ? repeatsOption : song != null ? 1 : 3;
        if (repeats < 1 || repeats > 50) throw new IllegalArgumentException("--repeats must be 1 to 50");
        if (trainStep != null) {
            for (double s : trainStep) if (!(s >= 1 && s <= 240)) throw new IllegalArgumentException("--train-step " + s + " is out of range: use 1 to 240 seconds");
            if (rank < 1 || rank > 1024) throw new IllegalArgumentException("--rank " + rank + " is out of range: use 1 to 1024");
            if (repeats < 1 || repeats > 50) throw new IllegalArgumentException("--repeats must be 1 to 50");
            java.nio.file.Path pack = model != null ? model
                    : org.aceforge.engine.bench.SongBench.ensurePack(org.aceforge.engine.bench.SongBench.packDir(),
                            org.aceforge.engine.demo.DemoPack.Geometry.FULL, System.out);
            org.aceforge.engine.bench.TrainBench.run(pack, trainStep, rank, repeats, System.out);
            return Main.OK;
        }
        if (song != null) {
            if (!(song >= 10 && song <= 600)) throw new IllegalArgumentException("--song " + song + " is out of range: use 10 to 600 seconds");
            if (compareFp32 && !int8) throw new IllegalArgumentException("--compare-fp32 needs --int8 (it adds the fp32 line beside the int8 one)");
            java.nio.file.Path pack = model != null ? model
                    : org.aceforge.engine.bench.SongBench.ensurePack(org.aceforge.engine.bench.SongBench.packDir(),
                            org.aceforge.engine.demo.DemoPack.Geometry.FULL, System.out);
            org.aceforge.engine.bench.SongBench.run(pack, song, int8, !int8 || compareFp32, repeats, System.out);
            return Main.OK;
        }
        if (compareFp32) throw new IllegalArgumentException("--compare-fp32 works with --song only");
        if (model != null) throw new IllegalArgumentException("--model works with --song or --train-step only");
        if (seconds < 1 || seconds > 600) throw new IllegalArgumentException("--seconds must be 1 to 600");
        if (fullLayers < 0 || fullLayers > 24) throw new IllegalArgumentException("--full-layers must be 0 to 24");
        if (repeats < 1 || repeats > 50) throw new IllegalArgumentException("--repeats must be 1 to 50");
        if (lmLayers < 0 || lmLayers > 28) throw new IllegalArgumentException("--lm-layers must be 0 to 28");
        new Bench(seconds, fullLayers, repeats, System.out).lmLayers(lmLayers).int8(int8).run();
        return Main.OK;
    }
}
