package org.aceforge.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users type as a server address: the forms accepted, and a one-line reason for the rest. */
class ServerAddressTest {
    @Test
    void typedFormsBecomeOneBase() {
        assertEquals("http://gpu-box:8001", ServerAddress.parse("gpu-box", null).toString());
        assertEquals("http://gpu-box:9000", ServerAddress.parse(" gpu-box:9000 ", "").toString());
        assertEquals("http://10.0.0.5:8001", ServerAddress.parse("http://10.0.0.5:8001/", null).toString());
        assertEquals("https://farm.example:443", ServerAddress.parse("https://farm.example", null).toString());
        assertEquals("http://[::1]:8001", ServerAddress.parse("[::1]", null).toString());
        assertNull(ServerAddress.parse("gpu-box", "  ").apiKey());
        assertEquals("k", ServerAddress.parse("gpu-box", " k ").apiKey());
        assertEquals("http://gpu-box:8001/v1/audio?path=a%2Fb.wav", ServerAddress.parse("gpu-box", null).resolve("/v1/audio?path=a%2Fb.wav").toString());
    }

    @Test
    void badAddressesSayWhy() {
        for (String[] c : new String[][]{{"", "is empty"}, {"   ", "is empty"}, {"ftp://box", "not an http"},
                {"http://", "not an address"}, {"http://:8001", "names no host"}, {"http://box:8001/api", "more than a host"}, {"box:8001?x=1", "more than a host"},
                {"http://user@box", "more than a host"}, {"http://bo x", "not an address"}, {"file:///etc/passwd", "not an http"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(c[0], null), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " → " + e.getMessage());
            assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        }
    }
}
