package org.aceforge.client;

/**
 * A server's answer that is not a success: its HTTP status and its message (the API wrapper's {@code error}). A 4xx
 * is the request's fault and is not retried; a 5xx or 503 the server's.
 */
public final class ServerException extends RuntimeException {
    private final int status;

    public ServerException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }

    /** The server refused the request itself (bad field, wrong key, too large): sending it again cannot help. */
    public boolean refused() { return status >= 400 && status < 500 && status != 408 && status != 429; }
}
