package org.aceforge.engine.cli;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.demo.DemoPack;
import org.aceforge.engine.model.ModelPack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code aceforge models make-demo DIR}, {@code models list} and {@code models download}. */
@Command(name = "models", description = "Manage model folders.", subcommands = {ModelsCommand.MakeDemo.class, ModelsCommand.ListModels.class, DownloadCommand.class})
public final class ModelsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "make-demo", description = "Write the deterministic tiny demo pack (real layout, random weights) to DIR.")
    static final class MakeDemo implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir)))
                throw new IllegalArgumentException(dir + " exists and is not an empty folder");
            DemoPack.makeAtomically(dir);
            System.out.println("demo pack written to " + dir + " (tiny random weights: audio is noise-like by design)");
            return Main.OK;
        }
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    @Command(name = "list", description = "Show the checkpoints folder AceForge would use and what it contains.")
    static final class ListModels implements Callable<Integer> {
        @Option(names = "--model", description = "Checkpoints folder to inspect.")
        Path model;

        @Override
        public Integer call() throws Exception {
            ModelPack pack;
            if (model != null) {
                if (!Files.isDirectory(model)) throw new IllegalArgumentException("--model " + model + " is not a folder");
                pack = new ModelPack(model);
            } else {
                Path user = ModelLocator.userModels();
                System.out.println("user models folder: " + user + (Files.isDirectory(user) ? "" : " (not present)"));
                pack = ModelLocator.defaultPack();
            }
            System.out.println("using: " + pack.root() + (pack.isDemo() ? "  [demo pack: noise-like audio]" : ""));
            for (ModelPack.Variant v : ModelPack.Variant.values()) {
                String state;
                try {
                    state = "installed (" + pack.dit(v).getFileName() + ")";
                } catch (RuntimeException e) {
                    state = "not installed";
                }
                System.out.printf("  DiT %-6s %s%n", v.id(), state);
            }
            System.out.println("  VAE          " + (Files.isRegularFile(pack.root().resolve(ModelPack.VAE).resolve("config.json")) ? "installed" : "missing"));
            System.out.println("  text encoder " + (Files.isRegularFile(pack.root().resolve(ModelPack.TEXT_ENCODER).resolve("config.json")) ? "installed" : "missing"));
            return Main.OK;
        }
    }
}
