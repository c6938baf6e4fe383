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
}
