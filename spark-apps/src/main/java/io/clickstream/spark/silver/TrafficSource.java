package io.clickstream.spark.silver;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Where a visit came from: UTM parameters first, then the referrer's domain (internal, e-mail, search, social,
 * referral).
 */
public record TrafficSource(String source, String medium) implements Serializable {
    private static final List<Map.Entry<String, String>> SEARCH = List.of(
            Map.entry("google.", "google"), Map.entry("bing.com", "bing"), Map.entry("duckduckgo.com", "duckduckgo"),
            Map.entry("search.yahoo.", "yahoo"), Map.entry("yandex.", "yandex"), Map.entry("baidu.com", "baidu"),
            Map.entry("ecosia.org", "ecosia"), Map.entry("qwant.com", "qwant"));
    /** Web mail: links in e-mails, not searches (mail.google.com is no Google search). */
    private static final List<Map.Entry<String, String>> EMAIL = List.of(
            Map.entry("mail.google.com", "gmail"), Map.entry("outlook.live.com", "outlook"),
            Map.entry("outlook.office.com", "outlook"), Map.entry("outlook.office365.com", "outlook"),
            Map.entry("mail.yahoo.com", "yahoo_mail"), Map.entry("mail.yandex.", "yandex_mail"),
            Map.entry("mail.proton.me", "proton_mail"));
    private static final List<Map.Entry<String, String>> SOCIAL = List.of(
            Map.entry("facebook.com", "facebook"), Map.entry("instagram.com", "instagram"), Map.entry("t.co", "twitter"),
            Map.entry("twitter.com", "twitter"), Map.entry("x.com", "twitter"), Map.entry("linkedin.com", "linkedin"),
            Map.entry("lnkd.in", "linkedin"), Map.entry("reddit.com", "reddit"), Map.entry("pinterest.", "pinterest"),
            Map.entry("youtube.com", "youtube"), Map.entry("tiktok.com", "tiktok"), Map.entry("mastodon.", "mastodon"));

    public static TrafficSource classify(UrlParts page, String referrer) {
        if (page != null && page.utmSource() != null) {
            return new TrafficSource(page.utmSource(), page.utmMedium() == null ? "(not set)" : page.utmMedium());
        }
        UrlParts ref = UrlParts.parse(referrer);
        if (ref == null) {
            return new TrafficSource("(direct)", "(none)");
        }
        if (page != null && sameSite(ref.domain(), page.domain())) {
            return new TrafficSource("(internal)", "internal");
        }
        String known = match(EMAIL, ref.domain());
        if (known != null) {
            return new TrafficSource(known, "email");
        }
        known = search(ref.domain());
        if (known != null) {
            return new TrafficSource(known, "organic");
        }
        known = match(SOCIAL, ref.domain());
        if (known != null) {
            return new TrafficSource(known, "social");
        }
        return new TrafficSource(ref.domain(), "referral");
    }

    /** One site: the same host, or one a subdomain of the other (m.shop.example and shop.example). */
    private static boolean sameSite(String a, String b) {
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    /**
     * A search engine's host (www. is gone already): google.de, search.yahoo.com, cn.bing.com; not the other
     * services of a name that spans countries (docs.google.com, news.google.com), which are referrals.
     */
    private static String search(String domain) {
        for (Map.Entry<String, String> e : SEARCH) {
            String needle = e.getKey();
            if (needle.endsWith(".") ? domain.startsWith(needle) : domain.equals(needle) || domain.endsWith("." + needle)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String match(List<Map.Entry<String, String>> table, String domain) {
        for (Map.Entry<String, String> e : table) {
            String needle = e.getKey();
            boolean hit = needle.endsWith(".")
                    ? domain.startsWith(needle) || domain.contains("." + needle)
                    : domain.equals(needle) || domain.endsWith("." + needle);
            if (hit) {
                return e.getValue();
            }
        }
        return null;
    }
}
