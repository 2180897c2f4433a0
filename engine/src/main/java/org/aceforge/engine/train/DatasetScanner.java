package org.aceforge.engine.train;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.audio.MusicAnalysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A dataset from a folder of songs: every audio file under it (sorted by path) is decoded with the engine's decoders
 * (any rate, any bit depth), timed, and — unless asked not to — given the tempo, key and time signature the signal
 * suggests ({@link MusicAnalysis}). A file that cannot be decoded is listed with the decoder's reason and left out; a
 * folder with no usable song is an error in words. Captions stay empty for auto-label or the user.
 */
public final class DatasetScanner {
    /** What a scan looks at (the decoders read them all). */
    public static final Set<String> EXTENSIONS = Set.of("wav", "mp3", "flac", "ogg", "opus", "aif", "aiff");

    /** A file left out, and why. */
    public record Skipped(Path file, String reason) {}

    /** The dataset found, and the files left out. */
    public record Scan(Dataset dataset, List<Skipped> skipped) {}

    private DatasetScanner() {}

    /**
     * Scans {@code folder}. {@code analyse}: estimate BPM, key and time signature from the audio. {@code progress}
     * hears each file's name before it is read.
     */
    public static Scan scan(Path folder, String name, String tag, TagPosition position, boolean allInstrumental, boolean analyse,
                            Consumer<Path> progress) {
        if (!Files.isDirectory(folder)) throw new DatasetException(folder + " is not a folder");
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).filter(DatasetScanner::isAudio).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException(folder + " cannot be read: " + e.getMessage());
        }
        if (files.isEmpty())
            throw new DatasetException(folder + " holds no audio files (" + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
        List<DatasetSample> samples = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path f : files) {
            progress.accept(f);
            AudioClip clip;
            try {
                clip = AudioDecoder.decode(f);
            } catch (IOException | RuntimeException e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                skipped.add(new Skipped(f, why.replace(f.toString(), f.getFileName().toString())));
                continue;
            }
            if (clip.seconds() < 1) {
                skipped.add(new Skipped(f, "shorter than a second"));
                continue;
            }
            MusicAnalysis.Estimate est = analyse ? MusicAnalysis.estimate(clip.toEngineFormat().interleaved(), 48000)
                    : new MusicAnalysis.Estimate(null, null, null);
            String rel = folder.toAbsolutePath().relativize(f.toAbsolutePath()).toString().replace('\\', '/');
            samples.add(new DatasetSample(Integer.toString(samples.size() + 1), f.toAbsolutePath().toString(), rel, "", "",
                    allInstrumental ? "[Instrumental]" : "", est.bpm(), est.key(), est.timeSignature(),
                    Math.round(clip.seconds() * 1000) / 1000.0, allInstrumental ? "unknown" : null, allInstrumental, false));
        }
        if (samples.isEmpty())
            throw new DatasetException(folder + ": none of its " + files.size() + " audio files could be read (" + skipped.get(0).file().getFileName()
                    + ": " + skipped.get(0).reason() + ")");
        String n = name == null || name.isBlank() ? folder.toAbsolutePath().getFileName().toString() : name.strip();
        return new Scan(new Dataset(n, tag, position, allInstrumental, 0, samples), skipped);
    }

    static boolean isAudio(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.startsWith(".") && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
