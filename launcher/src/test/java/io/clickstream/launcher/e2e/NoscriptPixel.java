package io.clickstream.launcher.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A {@code <noscript>} pixel written by hand, sent as Chromium sends it: only the spaces of its query escaped, so
 * {@code | { } ^} and a lone {@code %} arrive raw. Java's HTTP clients refuse to build such a URI: a raw socket sends it.
 */
final class NoscriptPixel {
    static final String TITLE = "Shoes | Shop {50% off}^";
    private static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private NoscriptPixel() {
    }

    /** Loads the pixel as a new visitor; returns that visitor's anonymous id and the gateway's whole answer. */
    static Loaded load(String gatewayUrl) throws IOException {
        URI base = URI.create(gatewayUrl);
        String visitor = "noscript-" + UUID.randomUUID();
        String target = "/v1/p.gif?writeKey=demo-write-key&anonymous_id=" + visitor
                + "&url=https://shop.example/newsletter&title=" + TITLE.replace(" ", "%20");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nUser-Agent: " + USER_AGENT
                    + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new Loaded(visitor, new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    record Loaded(String visitor, String answer) {
    }
}
