package io.clickstream.launcher.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for a test's stack, each handed out once per test JVM: the system may offer a port it just
 * released again, and two services of one stack given the same port would not both start.
 */
final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    static synchronized int free() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = unused();
            if (GIVEN.add(p)) {
                return p;
            }
        }
        throw new IOException("no free port not handed out before");
    }

    /** A port whose successor is free too (Kafka's controller takes port + 1). */
    static synchronized int freePair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = unused();
            if (GIVEN.contains(p) || GIVEN.contains(p + 1)) {
                continue;
            }
            try (ServerSocket next = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                GIVEN.add(p);
                GIVEN.add(p + 1);
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }

    private static int unused() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
