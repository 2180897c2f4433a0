package org.aceforge.engine.audio;

import java.nio.file.Path;
import java.util.Locale;

/** Audio file formats AceForge writes, chosen by the output file's extension. */
public enum OutputFormat {
    WAV("wav"), FLAC("flac"), MP3("mp3");

    public final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** The format named by a file's extension; a clear error for anything else. */
    public static OutputFormat of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) if (f.extension.equals(ext)) return f;
        throw new IllegalArgumentException("unknown output format '" + (ext.isEmpty() ? name : "." + ext)
                + "': use a .wav, .flac or .mp3 file name");
    }
}
