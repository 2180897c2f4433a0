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
            for (org.aceforge.engine.model.Inventory.Component c : org.aceforge.engine.model.Inventory.of(pack.root()))
                System.out.printf("  %-12s %-20s %-10s %-8s %-5s %s%n", c.kind(), c.name(), c.status().startsWith("installed") ? "installed" : "",
                        c.bytes() > 0 ? org.aceforge.engine.download.ModelDownloader.size(c.bytes()) : "", c.precision(),
                        c.status().startsWith("installed") ? c.path() : c.status() + (c.status().equals("missing") ? "" : "  " + c.path()));
            return Main.OK;
        }
    }
}
