package org.aceforge.engine.download;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/** A model hub: lists a repository's files with their hashes and says where each file is downloaded from. */
interface Hub {
    /** For messages: "huggingface.co", "ModelScope (www.modelscope.cn)". */
    String name();

    List<HubFile> list(String repo) throws IOException;

    URI fileUri(String repo, String path);

    /** Sent as a bearer token to the hub's own host only (null: none). */
    String token();

    static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path.split("/")) {
            if (b.length() > 0) b.append('/');
            b.append(java.net.URLEncoder.encode(seg, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }
}
