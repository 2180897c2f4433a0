package org.aceforge.server;

import java.nio.file.Path;

/**
 * How one server runs.
 *
 * @param host         the address to bind (127.0.0.1 unless told otherwise: a server on a network is a choice)
 * @param apiKey       the key clients must send (null: no authentication)
 * @param workers      renders run at once on this node (0: the node accepts and answers but renders nothing)
 * @param models       the checkpoints folder (null: the user's models, else the demo pack)
 * @param folder       where results ({@code outputs/}) and uploads ({@code uploads/}) live; /v1/audio serves only outputs
 * @param maxQueue     tasks queued or running at once before release_task answers 429
 * @param maxUploadMb  the largest uploaded audio file
 * @param maxBatch     the largest batch_size (the API's maximum is 8)
 * @param int8         render on INT8 weights unless a request says otherwise
 * @param queue        {@code redis://host:port[/db]}: share one job queue with every server on that Redis (null: this
 *                     process alone)
 * @param claimSeconds with a shared queue, how long a job whose worker stopped sending signs of life waits before
 *                     another worker takes it over
 */
public record ServerSettings(String host, int port, String apiKey, int workers, Path models, Path folder,
                             int maxQueue, int maxUploadMb, int maxBatch, boolean int8, String queue, int claimSeconds) {
    public static final int DEFAULT_PORT = 8001;
    public static final int DEFAULT_CLAIM_SECONDS = 60;

    /** A server with its own queue. */
    public ServerSettings(String host, int port, String apiKey, int workers, Path models, Path folder,
                          int maxQueue, int maxUploadMb, int maxBatch, boolean int8) {
        this(host, port, apiKey, workers, models, folder, maxQueue, maxUploadMb, maxBatch, int8, null, DEFAULT_CLAIM_SECONDS);
    }

    public Path outputs() { return folder.resolve("outputs"); }

    public Path uploads() { return folder.resolve("uploads"); }
}
