package org.aceforge.engine.download;

/**
 * A file a hub lists: its path in the repository, its size, and what it can be verified against — the SHA-256 the
 * hub publishes for large (LFS) files, or the git blob id (SHA-1 of "blob SIZE\0" + content) of small ones.
 */
public record HubFile(String path, long size, String sha256, String gitBlobSha1) {}
