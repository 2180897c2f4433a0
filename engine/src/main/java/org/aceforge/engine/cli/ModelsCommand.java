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
@Command(name = "models", description = "Manage model folders.", subcommands = {ModelsCommand.MakeDemo.class, ModelsCommand.ListModels.class, DownloadCommand.class, ModelsCommand.Check.class})
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

    @Command(name = "check", description = "Check every model in DIR (default: the folder models list shows) against its config.json; exit 0 when all is well, 2 when anything is wrong.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path root = dir != null ? dir : ModelLocator.defaultPack().root();
            if (!Files.isDirectory(root)) throw new IllegalArgumentException("models check: " + root + " is not a folder");
            var components = org.aceforge.engine.model.ModelCheck.check(root);
            if (components.isEmpty()) {
                System.out.println(root + ": no models (get them with ./aceforge models download --to " + root + ")");
                return Main.BAD_INPUT;
            }
            int bad = 0;
            for (var c : components) {
                System.out.println((c.ok() ? "ok       " : "PROBLEM  ") + c.name() + "  " + c.folder());
                for (var p : c.problems()) System.out.println("  " + p.line());
                for (String n : c.notes()) System.out.println("  note: " + n);
                if (!c.ok()) bad++;
            }
            System.out.println(bad == 0 ? "all " + components.size() + " models are complete" : bad + " of " + components.size() + " models have problems");
            return bad == 0 ? Main.OK : Main.BAD_INPUT;
        }
    }
}
