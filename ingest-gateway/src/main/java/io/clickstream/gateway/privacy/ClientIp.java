package io.clickstream.gateway.privacy;

import io.clickstream.gateway.config.GatewayConfig;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the raw client IP into what may be kept: truncated (IPv4 /24, IPv6 /48), a salted hash, or nothing. */
@Singleton
public class ClientIp {
    private static final Pattern IP_MEMBER = Pattern.compile("(\"ip\"\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final GatewayConfig.IpMode mode;
    private final byte[] salt;

    public ClientIp(GatewayConfig config) {
        this.mode = config.privacy().ipMode();
        this.salt = config.privacy().ipSalt().orElse("").getBytes(StandardCharsets.UTF_8);
        if (mode == GatewayConfig.IpMode.HASH && salt.length < 16) {
            throw new IllegalStateException("clickstream.privacy.ip-salt must be at least 16 characters for ip-mode=hash");
        }
    }

    public String anonymize(String rawIp) {
        if (rawIp == null || mode == GatewayConfig.IpMode.DROP) {
            return null;
        }
        return mode == GatewayConfig.IpMode.HASH ? hash(rawIp) : truncate(rawIp);
    }

    /**
     * A refused payload kept on the dead-letter topic with every {@code "ip": "..."} member (Segment's
     * {@code context.ip}, where server-side sources name the end user's address) kept as an address is kept here, or
     * {@code null} (an escaped value is no address). Done on the text: the payload may be cut short or not be JSON.
     */
    public String redact(String payload) {
        if (payload == null || !payload.contains("\"ip\"")) {
            return payload;
        }
        Matcher m = IP_MEMBER.matcher(payload);
        StringBuilder out = new StringBuilder(payload.length());
        while (m.find()) {
            String kept = anonymize(m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + (kept == null ? "null" : '"' + kept + '"')));
        }
        return m.appendTail(out).toString();
    }

    /** IPv4 keeps its first 3 bytes, IPv6 its first 6 (/48); anything unparsable is dropped. */
    public static String truncate(String rawIp) {
        if (!looksLikeIp(rawIp)) {
            return null;
        }
        try {
            byte[] addr = InetAddress.getByName(rawIp).getAddress(); // literal only: no DNS lookup for IP syntax
            int keep = addr.length == 4 ? 3 : 6;
            for (int i = keep; i < addr.length; i++) {
                addr[i] = 0;
            }
            return InetAddress.getByAddress(addr).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private String hash(String rawIp) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return HexFormat.of().formatHex(sha.digest(rawIp.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean looksLikeIp(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }
}
