package org.aceforge.engine.cli;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.lm.AudioCodes;
import org.aceforge.engine.lm.LmOptions;
import org.aceforge.engine.lm.LmPlanner;
import org.aceforge.engine.runtime.GraphCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code aceforge codes}: "convert to codes" (an audio file → its 5 Hz codes) and "transcribe" (codes → caption,
 * metadata and lyrics by the 5 Hz LM). The codes can be handed to {@code render --codes}.
 */
@Command(name = "codes", description = "Convert audio to 5 Hz audio codes (--src), and/or let the 5 Hz LM transcribe codes into caption, metadata and lyrics (--understand).", sortOptions = false)
public final class CodesCommand implements Callable<Integer> {
    @Option(names = "--src", description = "Audio file to convert (WAV, AIFF, FLAC, MP3, Opus, Vorbis).")
    Path src;
    @Option(names = "--codes", description = "Codes to transcribe instead of --src: <|audio_code_N|>… or numbers, or @FILE.")
    String codes;
    @Option(names = "--understand", description = "Let the 5 Hz LM describe the codes: caption, bpm, key, time signature, duration, language and lyrics.")
    boolean understand;
    @Option(names = "--out", description = "Write the codes to this file (as <|audio_code_N|> tokens) instead of printing them.")
    Path out;
    @Option(names = "--model", description = "Checkpoints folder (default: $ACEFORGE_MODELS, ~/.aceforge/models, else the demo pack).")
    Path model;
    @Option(names = "--variant", description = "DiT whose audio tokenizer is used: turbo (default), sft or base.")
    String variant;
    @Option(names = "--lm", description = "5 Hz LM size or folder for --understand.")
    String lm;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the LM's sampling for --understand.")
    long seed;
    @Option(names = "--lm-temperature", defaultValue = "0.3", description = "LM temperature for --understand (the reference uses 0.3).")
    double temperature;

    @Override
    public Integer call() throws Exception {
        if ((src == null) == (codes == null)) throw new BadRequestException("give either --src FILE or --codes CODES");
        if (src != null && !Files.isRegularFile(src)) throw new BadRequestException("--src " + src + " does not exist");
        if (model != null && !Files.isDirectory(model)) throw new BadRequestException("--model " + model + " is not a folder");
        if (variant != null && org.aceforge.engine.model.ModelPack.Variant.find(variant) == null)
            throw new BadRequestException("--variant " + variant + " is unknown: use " + org.aceforge.engine.model.ModelPack.Variant.NAMES);
        LmOptions options = new LmOptions(temperature, 1.0, 0, 0.9, LmOptions.NO_USER_INPUT, true, true, true);
        org.aceforge.engine.jobs.LmRequest.validate(options);
        long[] c = codes != null ? read("--codes", codes) : null;
        if (understand) {   // the LM must exist before any work is done or printed
            var pack = model != null ? new org.aceforge.engine.model.ModelPack(model) : org.aceforge.engine.jobs.ModelLocator.defaultPack();
            try {
                pack.lm(lm);
            } catch (org.aceforge.engine.model.ModelFolderException e) {
                throw new BadRequestException("--understand: " + e.getMessage());
            }
        }
        try (RenderService service = new RenderService(1, GraphCache.defaultCache())) {
            if (c == null) c = service.toCodes(model, variant, src).get();
            if (out != null) {
                java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
                org.aceforge.engine.jobs.Sidecar.writeText(out, AudioCodes.format(c) + "\n");
            }
            else if (!understand) System.out.println(AudioCodes.format(c));
            if (out != null || understand)
                System.err.printf("%d codes = %.1f s%n", c.length, c.length / (double) LmPlanner.CODES_PER_SECOND);
            if (understand) {
                long[] fixed = c;
                LmPlanner.Sample s = service.withLm(model, lm, false, p -> p.understand(fixed, options, seed, (ph, d, t) -> { })).get();
                System.out.print(s.metadata().yaml());
                System.out.println("lyrics: |");
                for (String line : s.lyrics().split("\n")) System.out.println("  " + line);
            }
        } catch (ExecutionException e) {
            throw RenderCommand.unwrapToException(e);
        }
        return Main.OK;
    }

    /** Codes from an option value: the codes themselves, or @FILE holding them. */
    static long[] read(String option, String value) {
        String text = value;
        if (value.startsWith("@")) {
            try {
                text = Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadRequestException(option + " " + value + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
            }
        }
        try {
            return AudioCodes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(option + ": " + e.getMessage());
        }
    }

}
