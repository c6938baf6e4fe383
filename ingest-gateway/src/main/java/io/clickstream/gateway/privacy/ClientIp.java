package io.clickstream.gateway.privacy;

import io.clickstream.gateway.config.GatewayConfig;
import io.netty.util.NetUtil;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the raw client IP into what may be kept: truncated (IPv4 /24, IPv6 /48), a salted hash, or nothing. */
@Singleton
public class ClientIp {
    /**
     * An {@code "ip"} member with its string value, or with the start of one the text's end cut off (group 3 empty).
     * The repetition is possessive: a backtracking one recurses once per character and overflows the stack on a value
     * of a few thousand characters, which any client can send.
     */
    private static final Pattern IP_MEMBER = Pattern.compile("(\"ip\"\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*+)(\"|\\\\?$)");

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
     * An end user's address a sender named in the payload, kept as {@link #anonymize} keeps addresses; when it is no
     * IP address, {@code fallback} (the connection's address, already anonymized) stands instead.
     */
    public String anonymizeNamed(String namedIp, String fallback) {
        return truncate(namedIp) != null ? anonymize(namedIp) : fallback;
    }

    /**
     * A refused payload kept on the dead-letter topic with every {@code "ip": "..."} member (Segment's
     * {@code context.ip}, where server-side sources name the end user's address) kept as an address is kept here, or
     * {@code null} (an escaped value is no address). Done on the text: the payload may be cut short or not be JSON.
     */
    public String redact(String payload) {
        return redact(payload, this::anonymize);
    }

    /**
     * {@link #redact(String)} with {@code keep} for what an address becomes. A value the payload's end cut short (a
     * body sent cut, or cut to the event size limit) becomes {@code null}: the start of an address is kept nowhere.
     */
    static String redact(String payload, UnaryOperator<String> keep) {
        if (payload == null || !payload.contains("\"ip\"")) {
            return payload;
        }
        Matcher m = IP_MEMBER.matcher(payload);
        StringBuilder out = new StringBuilder(payload.length());
        while (m.find()) {
            String kept = m.group(3).equals("\"") ? keep.apply(m.group(2)) : null;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + (kept == null ? "null" : '"' + kept + '"')));
        }
        return m.appendTail(out).toString();
    }

    /**
     * IPv4 keeps its first 3 bytes, IPv6 its first 6 (/48), a 6to4 address the prefix and its IPv4 address's first 3;
     * anything that is not an IP literal is dropped.
     */
    public static String truncate(String rawIp) {
        return leadingBytes(rawIp, 3, 6);
    }

    /**
     * The address with only its first {@code ipv4Bytes} or {@code ipv6Bytes} kept, the rest zero; {@code null} for
     * anything that is not an IP literal. An IPv4-mapped IPv6 address counts as IPv4.
     */
    public static String leadingBytes(String rawIp, int ipv4Bytes, int ipv6Bytes) {
        // Netty's parser reads literals only: InetAddress.getByName would look a name such as "cafe" up in DNS.
        byte[] literal = rawIp == null ? null : NetUtil.createByteArrayFromIpAddressString(rawIp);
        if (literal == null) {
            return null;
        }
        try {
            byte[] addr = InetAddress.getByAddress(literal).getAddress(); // an IPv4-mapped IPv6 address as IPv4
            int keep = addr.length == 4 ? ipv4Bytes : ipv6Bytes;
            if (addr.length == 16 && addr[0] == 0x20 && addr[1] == 0x02) {
                keep = Math.min(keep, 2 + ipv4Bytes); // 6to4 (2002::/16): bytes 2-5 are the client's IPv4 address
            }
            for (int i = keep; i < addr.length; i++) {
                addr[i] = 0;
            }
            return InetAddress.getByAddress(addr).getHostAddress();
        } catch (UnknownHostException e) {
            return null; // not reached: the parser gives 4 or 16 bytes
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
}
