package org.aceforge.engine.model;

/** A model folder is missing, incomplete or unreadable; the message says which file and what to do. */
public final class ModelFolderException extends RuntimeException {
    public ModelFolderException(String message) {
        super(message);
    }

    public ModelFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
