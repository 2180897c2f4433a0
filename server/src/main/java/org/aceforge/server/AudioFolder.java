package org.aceforge.server;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The files a client may read or name: results in the output folder (served by /v1/audio) and, as sources,
 * earlier uploads. A path is resolved with symbolic links followed and must stay inside its folder; anything else —
 * "..", another absolute path, a link out, a folder, a file that is not audio — is refused, so the server never
 * reads a file it did not write.
 */
final class AudioFolder {
    static final Map<String, String> TYPES = Map.of("mp3", "audio/mpeg", "flac", "audio/flac", "wav", "audio/wav",
            "opus", "audio/ogg", "ogg", "audio/ogg", "aif", "audio/aiff", "aiff", "audio/aiff");
    private final Path root;

    AudioFolder(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    Path root() { return root; }

    /** The URL query_result gives for a result file (its path relative to the output folder). */
    static String url(String relative) {
        return "/v1/audio?path=" + URLEncoder.encode(relative, StandardCharsets.UTF_8);
    }

    /** The audio file {@code given} names inside this folder (absolute, or relative to it), or null when it names none. */
    Path find(String given) {
        if (given == null || given.isBlank() || given.indexOf('\0') >= 0 || given.length() > 4096) return null;
        try {
            Path p = Path.of(given);
            if (!p.isAbsolute()) p = root.resolve(p);
            p = p.normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
            Path real = p.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real)) return null;
            return TYPES.containsKey(extension(real)) ? real : null;
        } catch (InvalidPathException | IOException | SecurityException e) {
            return null;
        }
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
