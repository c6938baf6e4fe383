package io.clickstream.spark.silver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficSourceTest {
    private static final UrlParts PAGE = UrlParts.parse("https://shop.example/p/1");

    @Test
    void utmParametersWinOverTheReferrer() {
        UrlParts tagged = UrlParts.parse("https://shop.example/?utm_source=newsletter&utm_medium=email");
        assertThat(TrafficSource.classify(tagged, "https://www.google.com/")).isEqualTo(new TrafficSource("newsletter", "email"));
        UrlParts sourceOnly = UrlParts.parse("https://shop.example/?utm_source=partner");
        assertThat(TrafficSource.classify(sourceOnly, null)).isEqualTo(new TrafficSource("partner", "(not set)"));
    }

    @Test
    void referrerDomainsAreClassified() {
        assertThat(TrafficSource.classify(PAGE, null)).isEqualTo(new TrafficSource("(direct)", "(none)"));
        assertThat(TrafficSource.classify(PAGE, "not a url")).isEqualTo(new TrafficSource("(direct)", "(none)"));
        assertThat(TrafficSource.classify(PAGE, "https://www.shop.example/cart")).isEqualTo(new TrafficSource("(internal)", "internal"));
        assertThat(TrafficSource.classify(PAGE, "https://www.google.co.uk/search?q=x")).isEqualTo(new TrafficSource("google", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://duckduckgo.com/")).isEqualTo(new TrafficSource("duckduckgo", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://m.facebook.com/")).isEqualTo(new TrafficSource("facebook", "social"));
        assertThat(TrafficSource.classify(PAGE, "https://t.co/abc")).isEqualTo(new TrafficSource("twitter", "social"));
        assertThat(TrafficSource.classify(PAGE, "https://blog.example.org/post")).isEqualTo(new TrafficSource("blog.example.org", "referral"));
    }

    @Test
    void aSearchEnginesOtherServicesAreNoSearchAndWebMailIsEmail() {
        assertThat(TrafficSource.classify(PAGE, "https://mail.google.com/mail/u/0/")).isEqualTo(new TrafficSource("gmail", "email"));
        assertThat(TrafficSource.classify(PAGE, "https://outlook.live.com/mail/0/")).isEqualTo(new TrafficSource("outlook", "email"));
        assertThat(TrafficSource.classify(PAGE, "https://mail.yandex.ru/")).isEqualTo(new TrafficSource("yandex_mail", "email"));
        assertThat(TrafficSource.classify(PAGE, "https://docs.google.com/document/d/1")).isEqualTo(new TrafficSource("docs.google.com", "referral"));
        assertThat(TrafficSource.classify(PAGE, "https://yandex.ru/search/?text=x")).isEqualTo(new TrafficSource("yandex", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://search.yahoo.com/search?p=x")).isEqualTo(new TrafficSource("yahoo", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://cn.bing.com/search?q=x")).isEqualTo(new TrafficSource("bing", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://www.google.com.br/")).isEqualTo(new TrafficSource("google", "organic"));
        assertThat(TrafficSource.classify(PAGE, "https://google.example.net/")).isEqualTo(new TrafficSource("google.example.net", "referral"));
        assertThat(TrafficSource.classify(PAGE, "https://yandex.evil-seo.com/")).isEqualTo(new TrafficSource("yandex.evil-seo.com", "referral"));
    }

    @Test
    void aPageOpenedFromAnAndroidAppIsClassedByTheApp() {
        assertThat(TrafficSource.classify(PAGE, "android-app://com.google.android.gm/")).isEqualTo(new TrafficSource("gmail", "email"));
        assertThat(TrafficSource.classify(PAGE, "android-app://com.google.android.googlequicksearchbox/https/www.google.com"))
                .isEqualTo(new TrafficSource("google", "organic"));
        assertThat(TrafficSource.classify(PAGE, "android-app://com.instagram.android")).isEqualTo(new TrafficSource("instagram", "social"));
        assertThat(TrafficSource.classify(PAGE, "android-app://org.example.reader/")).isEqualTo(new TrafficSource("org.example.reader", "referral"));
        assertThat(TrafficSource.isValidReferrer("android-app://com.google.android.gm/")).isTrue();
        assertThat(TrafficSource.isValidReferrer("android-app://x y")).isFalse();
        assertThat(TrafficSource.isValidReferrer("android-app://")).isFalse();
    }

    @Test
    void theSitesOwnSubdomainsAreInternal() {
        assertThat(TrafficSource.classify(PAGE, "https://m.shop.example/cart")).isEqualTo(new TrafficSource("(internal)", "internal"));
        assertThat(TrafficSource.classify(UrlParts.parse("https://m.shop.example/"), "https://shop.example/"))
                .isEqualTo(new TrafficSource("(internal)", "internal"));
        assertThat(TrafficSource.classify(PAGE, "https://othershop.example/")).isEqualTo(new TrafficSource("othershop.example", "referral"));
    }
}
