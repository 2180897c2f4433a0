package org.aceforge.engine.cli;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.model.ModelFolderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * The {@code aceforge} command line. Exit codes: 0 success; 2 bad input (one line naming it: unknown option, value
 * out of range, unwritable output, unknown format, broken model folder); 3 a model download failed (network, access,
 * disk, integrity); 1 internal error (one line with the log path); 130 cancelled with Ctrl-C. Never a bare stack trace.
 */
@Command(name = "aceforge", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "ACE-Step 1.5 music generation on ONNX Runtime, locally.",
        subcommands = {RenderCommand.class, CodesCommand.class, DatasetCommand.class, TrainCommand.class, ModelsCommand.class, BenchCommand.class, ProbeCommand.class,
                LauncherCommands.Studio.class, LauncherCommands.Serve.class, LauncherCommands.InstallPlugin.class})
public final class Main implements Runnable {
    public static final int OK = 0, INTERNAL = 1, BAD_INPUT = 2, DOWNLOAD_FAILED = 3, CANCELLED = 130;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** "AceForge 0.1.0-SNAPSHOT" from the build. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"AceForge " + org.aceforge.engine.Version.current()};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (tests call this directly). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        helpEverywhere(cl);
        // "@FILE" is ours (--codes @FILE reads codes from a file); picocli must not expand it into arguments.
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("aceforge: " + ex.getMessage());
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex));
        return cl.execute(args);
    }

    /** Every command and subcommand answers -h/--help with its usage (exit 0) and -V/--version. */
    static void helpEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) sub.getCommandSpec().mixinStandardHelpOptions(true);
            helpEverywhere(sub);
        }
    }

    static int handle(Throwable ex) {
        Throwable e = unwrap(ex);
        if (e instanceof BadRequestException || e instanceof ModelFolderException || e instanceof IllegalArgumentException
                || e instanceof org.aceforge.engine.audio.AudioDecodeException) {
            System.err.println("aceforge: " + e.getMessage());
            return BAD_INPUT;
        }
        if (e instanceof org.aceforge.engine.download.DownloadException d) {
            System.err.println("aceforge: " + d.getMessage());
            return d.kind() == org.aceforge.engine.download.DownloadException.Kind.CANCELLED ? CANCELLED : DOWNLOAD_FAILED;
        }
        if (e instanceof org.aceforge.engine.jobs.NotEnoughMemoryException) {
            LOG.error("out of memory", e);
            System.err.println("aceforge: " + e.getMessage());
            return INTERNAL;
        }
        if (e instanceof org.aceforge.engine.jobs.CancelledException) {
            System.err.println("aceforge: cancelled");
            return CANCELLED;
        }
        LOG.error("internal error", e);
        System.err.println("aceforge: internal error: " + e + " (details in " + logFile() + ")");
        return INTERNAL;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException)
                && e.getCause() != null) e = e.getCause();
        return e;
    }

    static Path logFile() {
        String d = System.getProperty("aceforge.logdir");
        Path dir = d != null ? Path.of(d) : Path.of(System.getProperty("user.home"), ".cache", "aceforge", "logs");
        return dir.resolve("aceforge.log");
    }
}
