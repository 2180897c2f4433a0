package org.aceforge.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Map;

/**
 * A task as queued: the request's fields as the client sent them (seeds already drawn, so a render repeated after a
 * worker died gives the same audio), and its uploaded files by field name ({@code src_audio}, {@code reference_audio}).
 * The same {@link TaskMapper} turns it into the typed request wherever it runs.
 */
record Job(String id, ObjectNode fields, Map<String, Path> files, String prompt, String lyrics, long createdMillis) {}
