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

    /**
     * Saves an uploaded file under {@code sha256/<hash>.<ext>} once per content: a client uploads a source once and
     * names it by its hash in later requests ({@code src_audio_sha256}). Decoded once, like every upload.
     */
    Path saveByHash(UploadedFile file) {
        Path dir = folder.root().resolve("sha256");
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".upload", ".part");
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            try (InputStream in = new java.security.DigestInputStream(file.content(), sha)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String hash = java.util.HexFormat.of().formatHex(sha.digest());
            Path target = dir.resolve(hash + "." + extension(file.filename()));
            Path existing = byHash(hash);
            if (existing != null) {
                Files.delete(tmp);
                return existing;
            }
            Path named = dir.resolve(".check-" + hash + "." + extension(file.filename()));
            Files.move(tmp, named, StandardCopyOption.REPLACE_EXISTING);
            tmp = named;
            AudioDecoder.decode(named);
            Files.move(named, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | RuntimeException | java.security.NoSuchAlgorithmException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // left for the operator
            }
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            if (tmp != null) why = why.replace(tmp.toString(), file.filename() == null ? "the file" : file.filename());
            throw ApiException.badRequest("file: " + why);
        }
    }

    /** The upload with this SHA-256 (64 hex digits), or null. */
    Path byHash(String hash) {
        if (hash == null || !hash.matches("[0-9a-f]{64}")) return null;
        try (var s = Files.newDirectoryStream(folder.root().resolve("sha256"), hash + ".*")) {
            for (Path p : s) return folder.find(folder.root().relativize(p).toString());
        } catch (IOException e) {
            return null;
        }
        return null;
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
