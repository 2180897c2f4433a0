package org.aceforge.server;

/**
 * A task as query_result reports it, from whichever queue holds it.
 *
 * @param items    the result entries as a JSON array text (empty until the task succeeds)
 * @param position 1 for the next task to start, 0 for a task running or over
 */
record TaskView(String id, Status status, double progress, String stage, int position, String items, String error) {
    enum Status {
        QUEUED(0), RUNNING(0), SUCCEEDED(1), FAILED(2);

        /** The API's integer: 0 queued or running, 1 succeeded, 2 failed. */
        final int code;

        Status(int code) { this.code = code; }

        boolean finished() { return this == SUCCEEDED || this == FAILED; }
    }
}
