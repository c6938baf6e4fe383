package io.clickstream.spark.silver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlPartsTest {

    @Test
    void takesAUrlApartAndDecodesUtmParameters() {
        UrlParts p = UrlParts.parse("https://www.Shop.example/sale/shoes?utm_source=news%20letter&UTM_MEDIUM=email"
                + "&utm_campaign=black+friday&utm_campaign=ignored&utm_term=&x=1");

        assertThat(p.domain()).isEqualTo("shop.example");
        assertThat(p.path()).isEqualTo("/sale/shoes");
        assertThat(p.query()).startsWith("utm_source=news%20letter");
        assertThat(p.utmSource()).isEqualTo("news letter");
        assertThat(p.utmMedium()).isEqualTo("email");
        assertThat(p.utmCampaign()).isEqualTo("black friday");
        assertThat(p.utmTerm()).isNull();
        assertThat(p.utmContent()).isNull();
    }

    @Test
    void pathDefaultsToRootAndABrokenEscapeIsKeptAsText() {
        UrlParts p = UrlParts.parse("http://shop.example?utm_source=a+b");
        assertThat(p.path()).isEqualTo("/");
        assertThat(p.utmSource()).isEqualTo("a b");
        // A browser keeps a % that starts no escape as it is (new URL("…?utm_source=%zz") is a URL).
        assertThat(UrlParts.parse("http://shop.example/?utm_source=%zz").utmSource()).isEqualTo("%zz");
    }

    @Test
    void urlsAsBrowsersReportThemAreValidThoughJavasUriRefusesThem() {
        // Characters location.href and document.referrer leave unescaped, and a host name with an underscore.
        UrlParts search = UrlParts.parse("https://shop.example/s?q=a|b&utm_content={{ad.name}}&utm_source=x");
        assertThat(search.domain()).isEqualTo("shop.example");
        assertThat(search.utmContent()).isEqualTo("{{ad.name}}");
        assertThat(UrlParts.parse("https://shop.example/p/a|b^c").path()).isEqualTo("/p/a%7Cb%5Ec");
        assertThat(UrlParts.parse("https://my_shop.example.com:8443/").domain()).isEqualTo("my_shop.example.com");
        assertThat(UrlParts.parse("https://[2001:db8::1]/x").domain()).isEqualTo("[2001:db8::1]");
        // a hash-routed page's anchor: a second '#'
        UrlParts hashRoute = UrlParts.parse("https://shop.example/app?x=1#/docs#install");
        assertThat(hashRoute.path()).isEqualTo("/app");
        assertThat(hashRoute.query()).isEqualTo("x=1");
        // still not URLs: no host, a host that is no name
        assertThat(UrlParts.isValid("https:///path")).isFalse();
        assertThat(UrlParts.isValid("https://a|b.example/")).isFalse();
    }

    @Test
    void onlyAbsoluteHttpUrlsWithAHostAreValid() {
        assertThat(UrlParts.isValid("https://shop.example/")).isTrue();
        assertThat(UrlParts.isValid("/relative/path")).isFalse();
        assertThat(UrlParts.isValid("javascript:alert(1)")).isFalse();
        assertThat(UrlParts.isValid("ftp://shop.example/file")).isFalse();
        // a hybrid app's page on iOS (Capacitor, Ionic)
        UrlParts app = UrlParts.parse("capacitor://localhost/checkout/done?utm_source=push");
        assertThat(app.domain()).isEqualTo("localhost");
        assertThat(app.path()).isEqualTo("/checkout/done");
        assertThat(app.utmSource()).isEqualTo("push");
        assertThat(UrlParts.isValid("ionic://localhost/")).isTrue();
        assertThat(UrlParts.isValid("https://shop example/")).isFalse();
        assertThat(UrlParts.isValid("")).isFalse();
        assertThat(UrlParts.isValid(null)).isFalse();
    }
}
