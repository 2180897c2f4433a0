package org.aceforge.engine.train;

/** A dataset that cannot be used as given: the message says which file or field and what to change, in one line. */
public final class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }
}
