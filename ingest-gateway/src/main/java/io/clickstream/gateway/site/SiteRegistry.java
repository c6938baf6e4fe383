package io.clickstream.gateway.site;

import io.clickstream.gateway.config.GatewayConfig;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The sites from configuration, looked up by write key. */
@Singleton
public class SiteRegistry {

    public record Site(String id, String writeKey, List<String> allowedOrigins) {
        public boolean allowsOrigin(String origin) {
            return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
        }
    }

    private final Map<String, Site> byWriteKey = new HashMap<>();

    public SiteRegistry(GatewayConfig config) {
        config.sites().forEach((id, s) -> {
            List<String> origins = s.allowedOrigins().stream().map(o -> Origins.normalize(id, o)).toList();
            Site previous = byWriteKey.put(s.writeKey(), new Site(id, s.writeKey(), origins));
            if (previous != null) {
                throw new IllegalStateException("sites " + previous.id() + " and " + id + " share a write key");
            }
        });
    }

    /** The site of this write key, or null. */
    public Site site(String writeKey) {
        return writeKey == null ? null : byWriteKey.get(writeKey);
    }

    public Optional<Site> byWriteKey(String writeKey) {
        return writeKey == null ? Optional.empty() : Optional.ofNullable(byWriteKey.get(writeKey));
    }

    /** True when any site accepts this browser origin (used to answer CORS preflights, which carry no key). */
    public boolean anySiteAllows(String origin) {
        return byWriteKey.values().stream().anyMatch(s -> s.allowsOrigin(origin));
    }

    public Iterable<Site> all() {
        return byWriteKey.values();
    }
}
