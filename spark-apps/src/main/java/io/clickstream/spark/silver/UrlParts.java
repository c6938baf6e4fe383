package io.clickstream.spark.silver;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An absolute http(s) URL taken apart: host, path, query and its UTM parameters. */
public record UrlParts(String domain, String path, String query, String utmSource, String utmMedium,
                       String utmCampaign, String utmTerm, String utmContent) implements Serializable {

    /** The parts of {@code url}, or {@code null} when it is not an absolute http(s) URL with a host. */
    public static UrlParts parse(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            return null;
        }
        String domain = uri.getHost().toLowerCase(Locale.ROOT);
        if (domain.startsWith("www.")) {
            domain = domain.substring(4);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Map<String, String> params = queryParameters(uri.getRawQuery());
        return new UrlParts(domain, path, uri.getRawQuery(), params.get("utm_source"), params.get("utm_medium"),
                params.get("utm_campaign"), params.get("utm_term"), params.get("utm_content"));
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
