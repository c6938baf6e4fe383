package io.clickstream.gateway.privacy;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client's address: the connection's own, or, on a connection from a trusted proxy
 * ({@code quarkus.http.proxy.trusted-proxies}), the right-most address of {@code X-Forwarded-For} that is not a trusted
 * proxy itself. Read from the right because a proxy appends the address it saw: what is left of it is whatever the
 * client wrote, so taking the first address (as Quarkus does) would let a client behind an appending proxy (nginx's
 * {@code $proxy_add_x_forwarded_for}, cloud load balancers) pick its own address and rate-limit bucket.
 */
@Singleton
public class ClientAddress {
    private final List<IpSubnetFilterRule> trusted;

    /**
     * X-Forwarded-For is read under the same switches as Quarkus reads it: with address forwarding off (the Helm
     * chart's empty {@code trustedProxies}), no peer is trusted, loopback included (a sidecar proxy connects from there).
     */
    public ClientAddress(
            @ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding", defaultValue = "false") boolean forwarding,
            @ConfigProperty(name = "quarkus.http.proxy.allow-x-forwarded", defaultValue = "false") boolean xForwarded,
            @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trustedProxies) {
        List<String> cidrs = forwarding && xForwarded ? trustedProxies.orElse(List.of()) : List.of();
        this.trusted = cidrs.stream().map(ClientAddress::rule).toList();
    }

    public String of(HttpServerRequest http) {
        // The connection's own peer: request.remoteAddress() already holds Quarkus's reading of X-Forwarded-For.
        SocketAddress socket = http.connection() == null ? http.remoteAddress() : http.connection().remoteAddress();
        String peer = socket == null ? null : socket.hostAddress() != null ? socket.hostAddress() : socket.host();
        if (http.getHeader("X-Forwarded-For") == null) {
            return peer;
        }
        return choose(peer, String.join(",", http.headers().getAll("X-Forwarded-For")));
    }

    /** {@code peer}: the connection's address; {@code forwardedFor}: the X-Forwarded-For list as received. */
    String choose(String peer, String forwardedFor) {
        String client = peer;
        if (!isTrusted(peer)) {
            return client;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = withoutPort(hops[i].trim());
            if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
                // "unknown" or an obfuscated name: nothing to its left can be checked, so the last proxy seen stands.
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return client;
            }
        }
        return client; // every hop a trusted proxy: the first one is as far as the chain goes
    }

    private boolean isTrusted(String ip) {
        byte[] literal = ip == null ? null : NetUtil.createByteArrayFromIpAddressString(ip);
        if (literal == null || trusted.isEmpty()) {
            return false;
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByAddress(literal), 0);
        } catch (UnknownHostException e) {
            return false;
        }
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** Some proxies add the client's port: {@code 203.0.113.9:51234}, {@code [2001:db8::1]:443}. */
    static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    private static IpSubnetFilterRule rule(String cidr) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2 || NetUtil.createByteArrayFromIpAddressString(parts[0]) == null || !parts[1].matches("\\d{1,3}")) {
            throw new IllegalArgumentException("quarkus.http.proxy.trusted-proxies: '" + cidr
                    + "' is not a CIDR range (write one address as 10.0.0.7/32 or 2001:db8::7/128)");
        }
        return new IpSubnetFilterRule(parts[0], Integer.parseInt(parts[1]), IpFilterRuleType.ACCEPT);
    }

    /** For tests: forwarding on, these proxies trusted. */
    static ClientAddress trusting(String... cidrs) {
        return new ClientAddress(true, true, Optional.of(new ArrayList<>(List.of(cidrs))));
    }
}
