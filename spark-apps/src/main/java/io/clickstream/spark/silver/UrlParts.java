package io.clickstream.spark.silver;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An absolute http(s) URL taken apart: host, path, query and its UTM parameters. Hybrid apps' pages count as well:
 * on iOS, Capacitor and Ionic serve them from {@code capacitor://localhost} and {@code ionic://localhost} (on Android
 * from http(s)://localhost), and refusing those would quarantine every event of such an app, purchases included.
 */
public record UrlParts(String domain, String path, String query, String utmSource, String utmMedium,
                       String utmCampaign, String utmTerm, String utmContent) implements Serializable {

    /** The parts of {@code url}, or {@code null} when it is not an absolute http(s) (or hybrid app) URL with a host. */
    public static UrlParts parse(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(escapeWhatBrowsersKeep(url.trim()));
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = host(uri);
        if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("capacitor") || scheme.equals("ionic"))
                || host == null) {
            return null;
        }
        String domain = host.toLowerCase(Locale.ROOT);
        if (domain.startsWith("www.")) {
            domain = domain.substring(4);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Map<String, String> params = queryParameters(uri.getRawQuery());
        return new UrlParts(domain, path, uri.getRawQuery(), params.get("utm_source"), params.get("utm_medium"),
                params.get("utm_campaign"), params.get("utm_term"), params.get("utm_content"));
    }

    /**
     * Browsers leave some characters unescaped in {@code location.href} and {@code document.referrer} that
     * {@link URI} (RFC 2396) refuses: {@code | ^ { } [ ]} outside a host, a {@code %} that starts no escape, and
     * the like, or a second {@code #} in the fragment (a hash-routed page's anchor: {@code /#/docs#install}). They
     * are escaped here first, so such a URL is still a URL. Written by hand: {@link URI} is what
     * the JDK offers, and this is the part of a browser's (WHATWG) parsing it lacks.
     */
    static String escapeWhatBrowsersKeep(String url) {
        int authorityEnd = authorityEnd(url);
        int fragment = url.indexOf('#');
        StringBuilder out = null;
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            boolean escape = switch (c) {
                case '|', '^', '{', '}', '`', '"', '<', '>', '\\', ' ' -> true;
                // brackets belong to an IPv6 host only
                case '[', ']' -> i >= authorityEnd;
                case '#' -> i > fragment;
                case '%' -> !(i + 2 < url.length() && isHex(url.charAt(i + 1)) && isHex(url.charAt(i + 2)));
                default -> c < 0x20 || c == 0x7f;
            };
            if (escape && out == null) {
                out = new StringBuilder(url.length() + 16).append(url, 0, i);
            }
            if (out != null) {
                if (escape) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? url : out.toString();
    }

    /** Index just past the authority of "scheme://authority...", or 0 when there is none. */
    private static int authorityEnd(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return 0;
        }
        int end = start + 3;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return end;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** The host; {@link URI} has none for a name with an underscore (my_shop.example.com), which browsers accept. */
    private static String host(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            authority = authority.substring(0, colon);
        }
        return authority.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*") ? authority : null;
    }

    public static boolean isValid(String url) {
        return parse(url) != null;
    }

    /** Query parameters, decoded; the first of repeated names wins, names are case-insensitive. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!name.isEmpty() && !value.isEmpty()) {
                params.putIfAbsent(name, value);
            }
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A broken %-escape: keep the text as sent rather than lose the parameter.
            return s;
        }
    }
}
