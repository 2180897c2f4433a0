package org.aceforge.server;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's one Jackson mapper, with input limits a public endpoint needs (nesting depth, string length). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(2_000_000).maxNumberLength(64).build());
    }

    private Json() {}
}
