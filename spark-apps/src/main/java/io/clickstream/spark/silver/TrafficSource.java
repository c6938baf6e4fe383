package io.clickstream.spark.silver;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a visit came from: UTM parameters first, then the referrer's domain (internal, e-mail, search, social,
 * referral), or the app it was opened from.
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

    /**
     * Chrome on Android gives a page opened from an app the referrer {@code android-app://<package>/}: the Gmail app,
     * the Google search app, a social network's app.
     */
    private static final Pattern APP_REFERRER =
            Pattern.compile("android-app://([A-Za-z][A-Za-z0-9_]*(?:\\.[A-Za-z][A-Za-z0-9_]*)+)(?:/.*)?");
    private static final Map<String, TrafficSource> APPS = Map.ofEntries(
            Map.entry("com.google.android.gm", new TrafficSource("gmail", "email")),
            Map.entry("com.microsoft.office.outlook", new TrafficSource("outlook", "email")),
            Map.entry("com.google.android.googlequicksearchbox", new TrafficSource("google", "organic")),
            Map.entry("com.facebook.katana", new TrafficSource("facebook", "social")),
            Map.entry("com.facebook.orca", new TrafficSource("facebook", "social")),
            Map.entry("com.instagram.android", new TrafficSource("instagram", "social")),
            Map.entry("com.twitter.android", new TrafficSource("twitter", "social")),
            Map.entry("com.linkedin.android", new TrafficSource("linkedin", "social")),
            Map.entry("com.reddit.frontpage", new TrafficSource("reddit", "social")),
            Map.entry("com.pinterest", new TrafficSource("pinterest", "social")),
            Map.entry("com.google.android.youtube", new TrafficSource("youtube", "social")),
            Map.entry("com.zhiliaoapp.musically", new TrafficSource("tiktok", "social")));

    public static TrafficSource classify(UrlParts page, String referrer) {
        if (page != null && page.utmSource() != null) {
            return new TrafficSource(page.utmSource(), page.utmMedium() == null ? "(not set)" : page.utmMedium());
        }
        UrlParts ref = UrlParts.parse(referrer);
        if (ref == null) {
            String app = appPackage(referrer);
            return app == null ? new TrafficSource("(direct)", "(none)")
                    : APPS.getOrDefault(app, new TrafficSource(app, "referral"));
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

    /** The app of an {@code android-app://} referrer, else {@code null}. */
    public static String appPackage(String referrer) {
        if (referrer == null) {
            return null;
        }
        Matcher m = APP_REFERRER.matcher(referrer.trim());
        return m.matches() ? m.group(1) : null;
    }

    /** A referrer worth keeping: an absolute http(s) URL, or an app's. */
    public static boolean isValidReferrer(String referrer) {
        return UrlParts.isValid(referrer) || appPackage(referrer) != null;
    }

    /** One site: the same host, or one a subdomain of the other (m.shop.example and shop.example). */
    private static boolean sameSite(String a, String b) {
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    /** What follows a search engine's name in its country domains: de, com, co.uk, com.br. */
    private static final Pattern COUNTRY_SUFFIX = Pattern.compile("(?:com|co|[a-z]{2,3})(?:\\.[a-z]{2})?");

    /**
     * A search engine's host (www. is gone already): google.de, google.co.uk, search.yahoo.com, cn.bing.com; not the
     * other services of a name that spans countries (docs.google.com, news.google.com), which are referrals, nor a
     * host that only starts with the name (google.example.net).
     */
    private static String search(String domain) {
        for (Map.Entry<String, String> e : SEARCH) {
            String needle = e.getKey();
            boolean hit = needle.endsWith(".")
                    ? domain.startsWith(needle) && COUNTRY_SUFFIX.matcher(domain.substring(needle.length())).matches()
                    : domain.equals(needle) || domain.endsWith("." + needle);
            if (hit) {
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
