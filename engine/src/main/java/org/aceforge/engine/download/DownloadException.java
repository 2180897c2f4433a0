package org.aceforge.engine.download;

/** A download that cannot go on, with one line saying why and what to do. */
public class DownloadException extends java.io.IOException {
    /** What kind of failure, so callers can fall back (unreachable) or stop (everything else). */
    public enum Kind { UNREACHABLE, AUTH, NOT_FOUND, DISK, INTEGRITY, SERVER, CANCELLED }

    private final Kind kind;

    public DownloadException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DownloadException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
