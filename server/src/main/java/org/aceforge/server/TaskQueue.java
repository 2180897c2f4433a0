package org.aceforge.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Where accepted tasks wait and are rendered: this process alone ({@link LocalQueue}) or every server sharing one
 * Redis ({@link RedisQueue}). Request threads call every method.
 */
interface TaskQueue extends AutoCloseable {
    /** Queues a job; 429 when the queue is full. */
    void submit(Job job);

    /** The task, or null when this queue does not know it. */
    TaskView view(String id);

    /** /v1/stats' data. */
    Stats stats();

    /** Cancels a task that has not ended; false when there is nothing to cancel. */
    boolean cancel(String id);

    /** Every task held, oldest first (bounded). */
    List<TaskView> list();

    /**
     * A result file by its path relative to the output folder, made available in {@code outputs} (a queue whose
     * workers run elsewhere fetches it); null when there is none.
     */
    Path resultFile(AudioFolder outputs, String relative);

    @Override
    void close();
}
