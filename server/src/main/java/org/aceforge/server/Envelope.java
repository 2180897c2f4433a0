package org.aceforge.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ACE-Step API's response wrapper: {@code {data, code, error, timestamp, extra}}. Errors carry the message in
 * {@code error} and, for clients written against FastAPI's error shape, in {@code detail} too.
 */
final class Envelope {
    private Envelope() {}

    static ObjectNode ok(Object data) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("data", Json.MAPPER.valueToTree(data));
        n.put("code", 200);
        n.putNull("error");
        n.put("timestamp", System.currentTimeMillis());
        n.putNull("extra");
        return n;
    }

    static ObjectNode error(int code, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putNull("data");
        n.put("code", code);
        n.put("error", message);
        n.put("timestamp", System.currentTimeMillis());
        n.putNull("extra");
        n.put("detail", message);
        return n;
    }
}
