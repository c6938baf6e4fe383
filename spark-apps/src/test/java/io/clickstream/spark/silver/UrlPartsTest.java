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
    void pathDefaultsToRootAndBrokenEscapesMakeAUrlInvalid() {
        UrlParts p = UrlParts.parse("http://shop.example?utm_source=a+b");
        assertThat(p.path()).isEqualTo("/");
        assertThat(p.utmSource()).isEqualTo("a b");
        assertThat(UrlParts.isValid("http://shop.example/?utm_source=%zz")).isFalse();
    }

    @Test
    void onlyAbsoluteHttpUrlsWithAHostAreValid() {
        assertThat(UrlParts.isValid("https://shop.example/")).isTrue();
        assertThat(UrlParts.isValid("/relative/path")).isFalse();
        assertThat(UrlParts.isValid("javascript:alert(1)")).isFalse();
        assertThat(UrlParts.isValid("ftp://shop.example/file")).isFalse();
        assertThat(UrlParts.isValid("https://shop example/")).isFalse();
        assertThat(UrlParts.isValid("")).isFalse();
        assertThat(UrlParts.isValid(null)).isFalse();
    }
}
