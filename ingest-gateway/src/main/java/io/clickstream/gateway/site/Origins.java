package io.clickstream.gateway.site;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A configured allowed origin in the form browsers send in {@code Origin}: scheme and host in lower case, no default
 * port, no trailing slash. Written as {@code https://Shop.example/} it would match no browser, and every event of the
 * site's pages would be refused; written with a path or without a scheme it is refused at start, with the reason.
 */
public final class Origins {
    private Origins() {
    }

    /** {@code *} (any) and {@code null} (sandboxed frames, {@code file:} pages) stay as they are. */
    public static String normalize(String site, String configured) {
        String value = configured.trim();
        if (value.equals("*") || value.equals("null")) {
            return value;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(site, configured, "not a URI");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw invalid(site, configured, "an origin is a scheme and a host, e.g. https://shop.example");
        }
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!bare) {
            throw invalid(site, configured, "an origin has no path, query or user; e.g. https://shop.example");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static IllegalStateException invalid(String site, String configured, String why) {
        return new IllegalStateException("clickstream.sites." + site + ".allowed-origins: '" + configured + "' is no origin: " + why);
    }
}
