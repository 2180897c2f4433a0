package org.aceforge.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code aceforge serve}'s options: bad values exit 2 with one line; a port already taken exits 1. */
class ServeCommandTest {
    @Test
    void badOptionsExit2() {
        assertEquals(2, ServeMain.run("--port", "70000"));
        assertEquals(2, ServeMain.run("--port", "eighty"));
        assertEquals(2, ServeMain.run("--workers", "-1"));
        assertEquals(2, ServeMain.run("--max-batch", "9"));
        assertEquals(2, ServeMain.run("--max-queue", "0"));
        assertEquals(2, ServeMain.run("--max-upload-mb", "0"));
        assertEquals(2, ServeMain.run("--host", ""));
        assertEquals(2, ServeMain.run("--no-such-option"));
        assertEquals(2, ServeMain.run("--queue", "http://x"));
        assertEquals(2, ServeMain.run("--queue", "redis://"));
        assertEquals(2, ServeMain.run("--claim-seconds", "1"));
    }

    @Test
    void aPortInUseExits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(1, ServeMain.run("--port", Integer.toString(taken.getLocalPort()), "--workers", "0",
                    "--folder", java.nio.file.Path.of("target", "serve-port-test").toAbsolutePath().toString()));
        }
    }
}
