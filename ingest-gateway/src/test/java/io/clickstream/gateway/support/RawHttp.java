package io.clickstream.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A GET whose request target goes out byte for byte, as browsers send what Java's HTTP clients refuse to
 * (an unescaped {@code |} or a stray {@code %} in a query). Answers the whole answer: status line, headers, body.
 */
public final class RawHttp {
    private RawHttp() {
    }

    public static String get(URL base, String target) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nUser-Agent: raw-test"
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
