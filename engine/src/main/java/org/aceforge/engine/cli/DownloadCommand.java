package org.aceforge.engine.cli;

import org.aceforge.engine.download.ModelCatalog;
import org.aceforge.engine.download.ModelDownloader;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.request.BadRequestException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code aceforge models download [NAME…] [--to DIR]}: fetches the official checkpoints (only the files the engine
 * reads), resuming and verifying; {@code --list} shows what can be fetched. Exit 0 done, 2 unknown name, 3 the
 * download failed (network, access, disk, integrity: one line saying what to do; partial files are kept to resume).
 */
@Command(name = "download", description = "Download official ACE-Step 1.5 checkpoints (default: main = turbo DiT, VAE, text encoder, 1.7B LM).")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "main (default), base, sft, turbo-shift1, turbo-shift3, turbo-continuous, lm-0.6B, lm-4B; or a folder or repository name.")
    List<String> names = new ArrayList<>();
    @Option(names = "--to", paramLabel = "DIR", description = "Checkpoints folder (default: $ACEFORGE_MODELS or ~/.aceforge/models).")
    Path to;
    @Option(names = "--list", description = "List what can be downloaded, with sizes, and exit.")
    boolean list;

    @Override
    public Integer call() throws Exception {
        if (list) {
            for (ModelCatalog.Entry e : ModelCatalog.all())
                System.out.printf("%-17s ~%-8s %s%n", e.name(), ModelDownloader.size(e.approxBytes()), e.purpose());
            return Main.OK;
        }
        List<ModelCatalog.Entry> entries = new ArrayList<>();
        for (String n : names.isEmpty() ? List.of("main") : names) {
            ModelCatalog.Entry e = ModelCatalog.find(n);
            if (e == null) throw new BadRequestException("models download: unknown model '" + n + "': use " + ModelCatalog.names());
            if (!entries.contains(e)) entries.add(e);
        }
        Path dir = to != null ? to : ModelLocator.userModels();
        boolean tty = System.console() != null;
        long[] lastLine = {0};
        List<Path> done = new ModelDownloader().download(entries, dir, new ModelDownloader.Listener() {
            @Override
            public void progress(ModelDownloader.Progress p) {
                long now = System.nanoTime();
                if (now - lastLine[0] < (tty ? 200_000_000L : 5_000_000_000L) && p.fileDone() < p.fileTotal()) return;
                lastLine[0] = now;
                String line = String.format("%s  %s / %s  %.1f MB/s  %s left", p.file(), ModelDownloader.size(p.done()),
                        ModelDownloader.size(p.total()), p.bytesPerSecond() / 1e6, ModelDownloader.eta(p.secondsLeft()));
                if (tty) System.out.print("\r" + line + "\u001b[K"); else System.out.println(line);
            }

            @Override
            public void message(String line) {
                if (tty) System.out.print("\r\u001b[K");
                System.out.println(line);
            }
        }, () -> Thread.currentThread().isInterrupted());
        if (tty) System.out.print("\r\u001b[K");
        for (Path p : done) System.out.println("installed " + p);
        System.out.println("models in " + dir.toAbsolutePath() + " (use them with --model " + dir + ", or they are found there by default)");
        return Main.OK;
    }
}
