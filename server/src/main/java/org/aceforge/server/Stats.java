package org.aceforge.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * /v1/stats' data in the API document's shape, plus AceForge's worker count and, on a shared queue, which node
 * answered (absent otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Stats(Jobs jobs, @JsonProperty("queue_size") long queueSize, @JsonProperty("queue_maxsize") int queueMaxsize,
             @JsonProperty("avg_job_seconds") double avgJobSeconds, int workers, String node) {

    /** Task counts: every task accepted, and how many wait, run, succeeded and failed. */
    record Jobs(long total, long queued, long running, long succeeded, long failed) {}

    static Stats of(Jobs jobs, int maxQueue, double averageSeconds, int workers, String node) {
        return new Stats(jobs, jobs.queued(), maxQueue, averageSeconds, workers, node);
    }
}
