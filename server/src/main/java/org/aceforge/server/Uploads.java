package org.aceforge.server;

import io.javalin.http.UploadedFile;
import org.aceforge.engine.audio.AudioDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.UUID;

/**
 * Audio files sent with a request: each saved under {@code uploads/<random id>/} and decoded once with the engine's
 * decoders, so a file that is not audio is a 400 with the decoder's message (the CLI's words) before any render is
 * queued, and leaves nothing behind.
 */
final class Uploads {
    private final AudioFolder folder;

    Uploads(AudioFolder folder) {
        this.folder = folder;
    }

    AudioFolder folder() { return folder; }

    /** Saves and checks one uploaded file; {@code field} names it in errors. */
    Path save(String field, UploadedFile file) {
        Path dir = folder.root().resolve(UUID.randomUUID().toString());
        Path target = dir.resolve(field + "." + extension(file.filename()));
        try {
            Files.createDirectories(dir);
            try (InputStream in = file.content()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            AudioDecoder.decode(target);
            return target;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(target, dir);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            why = why.replace(target.toString(), file.filename() == null ? "the file" : file.filename());
            throw ApiException.badRequest(field + ": " + why);
        }
    }

    /** The extension of the client's file name if it looks like one (the decoders look at it), else "bin". */
    static String extension(String name) {
        if (name == null) return "bin";
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return ext.matches("[a-z0-9]{1,5}") ? ext : "bin";
    }

    private static void deleteQuietly(Path file, Path dir) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // an upload that cannot be removed is left for the operator; the request still gets its 400
        }
    }
}
