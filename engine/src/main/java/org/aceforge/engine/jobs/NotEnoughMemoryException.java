package org.aceforge.engine.jobs;

/**
 * A render that ran out of memory on every rung of the ladder (smaller decode tiles, the CPU decode on a GPU, one
 * variant at a time): what the user can change, in words, with the allocation failure as the cause. Nothing was
 * written.
 */
public final class NotEnoughMemoryException extends RuntimeException {
    public NotEnoughMemoryException(double seconds, Throwable cause) {
        super(String.format("out of memory even one variant at a time in the smallest pieces (%.0f s of music): "
                + "shorten the duration, close other programs, or use a smaller LM or --device cpu (see docs/models.md)", seconds), cause);
    }
}
