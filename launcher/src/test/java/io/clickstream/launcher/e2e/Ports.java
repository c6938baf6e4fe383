package io.clickstream.launcher.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for a test's stack. */
final class Ports {
    private Ports() {
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port whose successor is free too (Kafka's controller takes port + 1). */
    static int freePair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = free();
            try (ServerSocket next = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }
}
