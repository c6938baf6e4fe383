package io.clickstream.spark.silver;

import ua_parser.Client;
import ua_parser.Parser;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Browser, OS and device from a user agent (uap-java, the ua-parser project's regexes), plus a bot flag. */
public final class UserAgents {
    /** Bot words and tools; "cubot" is a brand of phones, not a bot. */
    private static final Pattern BOT = Pattern.compile(
            "(?<!cu)bot\\b|bot/|crawler|spider|crawling|slurp|headlesschrome|phantomjs|facebookexternalhit|"
                    + "curl/|wget/|python-requests|python-urllib|go-http-client|java/|okhttp|apache-httpclient|"
                    + "lighthouse|pingdom|uptimerobot");
    private static final Pattern TABLET = Pattern.compile("ipad|tablet|kindle|silk/|playbook");
    private static final Pattern MOBILE = Pattern.compile("mobi|iphone|ipod|android.*mobile|windows phone|blackberry");

    static final int CACHE_SIZE = 10_000;

    /** Built lazily once per JVM (executors included): the parser compiles hundreds of regexes. */
    private static final class Holder {
        static final Parser PARSER = new Parser();
        /**
         * Traffic repeats a few thousand agents, and parsing one costs dozens of regex scans (ua-parser's and the
         * bot and device checks below): the whole result is kept per agent, least recently used out first.
         */
        static final Map<String, Agent> PARSED = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Agent> eldest) {
                return size() > CACHE_SIZE;
            }
        });
    }

    private UserAgents() {
    }

    public record Agent(String browser, String browserVersion, String os, String osVersion, String device,
                        String deviceType, boolean bot) implements Serializable {
    }

    public static Agent parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return new Agent(null, null, null, null, null, "unknown", false);
        }
        Agent agent = Holder.PARSED.get(userAgent);
        if (agent == null) {
            agent = parseUncached(userAgent);
            Holder.PARSED.put(userAgent, agent);
        }
        return agent;
    }

    private static Agent parseUncached(String userAgent) {
        Client c = Holder.PARSER.parse(userAgent);
        String lower = userAgent.toLowerCase(Locale.ROOT);
        boolean bot = "Spider".equals(c.device.family) || BOT.matcher(lower).find();
        // An Android app's own agent (Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 ...), what Segment's and
        // RudderStack's Android SDKs send) never says "Mobile", on phones or tablets: most are phones.
        String type = bot ? "bot"
                : lower.startsWith("dalvik/") ? "mobile"
                : TABLET.matcher(lower).find() || (lower.contains("android") && !lower.contains("mobile")) ? "tablet"
                : MOBILE.matcher(lower).find() ? "mobile"
                : "desktop";
        return new Agent(c.userAgent.family, version(c.userAgent.major, c.userAgent.minor), c.os.family,
                version(c.os.major, c.os.minor), c.device.family, type, bot);
    }

    private static String version(String major, String minor) {
        if (major == null) {
            return null;
        }
        return minor == null ? major : major + "." + minor;
    }
}
