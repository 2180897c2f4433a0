package org.aceforge.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** /v1/stats' data in the API document's shape (plus AceForge's worker count). */
final class Stats {
    private Stats() {}

    static Map<String, Object> of(long total, long queued, long running, long succeeded, long failed, int maxQueue,
                                  double averageSeconds, int workers) {
        Map<String, Object> jobs = new LinkedHashMap<>();
        jobs.put("total", total);
        jobs.put("queued", queued);
        jobs.put("running", running);
        jobs.put("succeeded", succeeded);
        jobs.put("failed", failed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", jobs);
        out.put("queue_size", queued);
        out.put("queue_maxsize", maxQueue);
        out.put("avg_job_seconds", averageSeconds);
        out.put("workers", workers);
        return out;
    }
}
