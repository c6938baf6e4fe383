package io.clickstream.gateway.site;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured allowed origin in the form browsers send in {@code Origin}: scheme and host in lower case (a host in
 * its ASCII form), no default port, no trailing slash. Written as {@code https://Shop.example/} it would match no
 * browser, and every event of the site's pages would be refused; written with a path or without a scheme it is
 * refused at start, with the reason. Read with a pattern, not {@link java.net.URI}, which takes a host such as
 * {@code my_shop.example} (browsers send it) for none.
 */
public final class Origins {
    private static final Pattern ORIGIN = Pattern.compile(
            "(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<host>\\[[0-9A-Fa-f:.]+]|[^\\[\\]/?#@:\\s]+)(?::(?<port>\\d{1,5}))?/?");

    private Origins() {
    }

    /** {@code *} (any) and {@code null} (sandboxed frames, {@code file:} pages) stay as they are. */
    public static String normalize(String site, String configured) {
        String value = configured.trim();
        if (value.equals("*") || value.equals("null")) {
            return value;
        }
        Matcher m = ORIGIN.matcher(value);
        if (!m.matches()) {
            throw new IllegalStateException("clickstream.sites." + site + ".allowed-origins: '" + configured
                    + "' is no origin: an origin is a scheme, a host and an optional port, without path, query or user;"
                    + " e.g. https://shop.example");
        }
        String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
        String host = m.group("host");
        host = host.startsWith("[") ? host.toLowerCase(Locale.ROOT) : IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        String port = m.group("port");
        boolean defaultPort = port == null || (scheme.equals("https") && port.equals("443")) || (scheme.equals("http") && port.equals("80"));
        return scheme + "://" + host + (defaultPort ? "" : ":" + Integer.parseInt(port));
    }
}
