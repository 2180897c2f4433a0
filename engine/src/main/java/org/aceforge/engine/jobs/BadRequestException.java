package org.aceforge.engine.jobs;

/** A request value the user can fix; the message is one line naming the input and what is allowed. */
public final class BadRequestException extends IllegalArgumentException {
    public BadRequestException(String message) {
        super(message);
    }
}
