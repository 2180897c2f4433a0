package org.aceforge.server;

/**
 * A request the API refuses: its HTTP status (4xx, or 503 when this node cannot do what is asked, e.g. a node without
 * workers asked to run the LM) and a one-line message naming the field in the API's words.
 */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        if ((status < 400 || status > 499) && status != 503) throw new IllegalArgumentException("not a client error: " + status);
        this.status = status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public int status() { return status; }
}
