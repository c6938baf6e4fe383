package io.clickstream.gateway.site;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads a write key from where clients put it: HTTP Basic user name, X-Write-Key header, writeKey query parameter. */
public final class WriteKeys {
    private WriteKeys() {
    }

    public static String fromRequest(String authorization, String headerKey, String queryKey) {
        String basic = fromBasicAuth(authorization);
        if (basic != null) {
            return basic;
        }
        if (headerKey != null && !headerKey.isBlank()) {
            return headerKey.trim();
        }
        return queryKey == null || queryKey.isBlank() ? null : queryKey.trim();
    }

    /** Segment's convention: the write key is the Basic user name, the password is empty. */
    static String fromBasicAuth(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
            return user.isEmpty() ? null : user;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
