package org.aceforge.bridge;

import java.nio.file.Path;

/** A rendered variant the user kept: its file and content hash, the clip slot and timeline position when placed. */
public record Variant(Path file, String sha256, int slot, long timelineStart, boolean placed) {}
