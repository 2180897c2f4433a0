package org.aceforge.engine.audio;

import java.io.IOException;
import java.nio.file.Path;

/** A file that cannot be decoded; the message names the file and why, in one line. */
public final class AudioDecodeException extends IOException {
    public AudioDecodeException(Path file, String why) {
        super(file + ": " + why);
    }
}
