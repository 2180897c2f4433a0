package org.aceforge.engine.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * Commands the {@code aceforge} launcher script runs itself (they live in other modules: the studio in plugin-ui,
 * the plugin bundle in installer/). They are listed here so that the help shows every command; run through the engine
 * alone they say where they are.
 */
final class LauncherCommands {
    private LauncherCommands() {}

    @Command(name = "studio", description = "Open the studio window (needs a display); a FILE given is loaded as the source. Run: ./aceforge studio [FILE]")
    static final class Studio implements Callable<Integer> {
        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            System.err.println("aceforge: the studio is opened by the aceforge launcher: ./aceforge studio");
            return Main.BAD_INPUT;
        }
    }

    @Command(name = "serve", description = "Serve the ACE-Step REST API on this machine (release_task, query_result, /v1/audio, …). Run: ./aceforge serve [--host H] [--port 8001] [--api-key K] [--workers N]")
    static final class Serve implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        java.util.List<String> rest;

        @Override
        public Integer call() {
            System.err.println("aceforge: the server is run by the aceforge launcher: ./aceforge serve");
            return Main.BAD_INPUT;
        }
    }

    @Command(name = "install-plugin", description = "Build the VST3 bundle and install it in ~/.vst3 (or --dir DIR). Run: ./aceforge install-plugin [--dir DIR]")
    static final class InstallPlugin implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--dir", paramLabel = "DIR")
        String dir;

        @Override
        public Integer call() {
            System.err.println("aceforge: the plugin is installed by the aceforge launcher: ./aceforge install-plugin");
            return Main.BAD_INPUT;
        }
    }
}
