package io.clickstream.gateway.privacy;

import io.clickstream.gateway.config.GatewayConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;

/**
 * An anonymous id for a visitor who sent none: a pixel in a noscript tag or an e-mail has no script to keep one. It is
 * a keyed hash (HMAC-SHA256) of the site, the client's full address and its user agent, under a key that changes every
 * UTC day. One browser keeps its id all day, on every gateway sharing the secret, and gets another the next day, so
 * visits can be counted without a cookie and without keeping the address: without the secret, the id cannot be traced
 * back to it. Sites are hashed apart, so one browser's ids on two sites cannot be matched.
 */
@Singleton
public class DailyVisitorId {
    /** Marks the ids the gateway made, apart from those clients keep themselves. */
    public static final String PREFIX = "px-";
    private static final Logger LOG = Logger.getLogger(DailyVisitorId.class);

    private final byte[] secret;
    private final Clock clock;
    private volatile DayKey key;

    private record DayKey(LocalDate day, SecretKeySpec spec) {
    }

    @Inject
    public DailyVisitorId(GatewayConfig config) {
        this(secret(config), Clock.systemUTC());
    }

    DailyVisitorId(byte[] secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    private static byte[] secret(GatewayConfig config) {
        String configured = config.privacy().visitorIdSecret().orElse(null);
        if (configured == null) {
            LOG.info("clickstream.privacy.visitor-id-secret is not set: pixels without an anonymous_id get ids under a"
                    + " key of this process, which other gateways and a restart do not share");
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        }
        byte[] bytes = configured.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 16) {
            throw new IllegalStateException("clickstream.privacy.visitor-id-secret must be at least 16 characters");
        }
        return bytes;
    }

    /** The visitor's id for today (UTC); {@code clientIp} and {@code userAgent} may be null. */
    public String of(String siteId, String clientIp, String userAgent) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keyOf(LocalDate.now(clock)));
            mac.update(bytes(siteId));
            mac.update((byte) 0);
            mac.update(bytes(clientIp));
            mac.update((byte) 0);
            mac.update(bytes(userAgent));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private SecretKeySpec keyOf(LocalDate day) throws GeneralSecurityException {
        DayKey current = key;
        if (current == null || !current.day().equals(day)) {
            // The day's key is derived, not drawn: every gateway with the secret finds the same one, with nothing to share.
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            current = new DayKey(day, new SecretKeySpec(mac.doFinal(bytes(day.toString())), "HmacSHA256"));
            key = current;
        }
        return current.spec();
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
