package io.clickstream.gateway.resource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A pixel's query string read the way browsers write it (WHATWG's urlencoded parser): {@code +} is a space,
 * {@code %XX} a byte, any other {@code %} stays itself, bytes are UTF-8 (malformed ones become U+FFFD). Vert.x's
 * decoder throws on {@code 50%} instead. The first value of a repeated name wins. Written by hand: a few lines,
 * where the libraries at hand are strict.
 */
final class PixelQuery {
    private PixelQuery() {
    }

    static Map<String, String> parse(String query) {
        Map<String, String> params = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    static String decode(String text) {
        // The HTTP layer gives the request line's bytes as ISO-8859-1 characters: one char per byte.
        byte[] in = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i] == '+' ? ' ' : in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
