package io.clickstream.gateway.site;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginsTest {
    @Test
    void originsAreWrittenAsBrowsersSendThem() {
        assertThat(Origins.normalize("shop", "https://shop.example")).isEqualTo("https://shop.example");
        assertThat(Origins.normalize("shop", " HTTPS://Shop.Example/ ")).isEqualTo("https://shop.example");
        assertThat(Origins.normalize("shop", "https://shop.example:443")).isEqualTo("https://shop.example");
        assertThat(Origins.normalize("shop", "http://shop.example:80/")).isEqualTo("http://shop.example");
        assertThat(Origins.normalize("shop", "http://localhost:8080")).isEqualTo("http://localhost:8080");
        assertThat(Origins.normalize("shop", "*")).isEqualTo("*");
        assertThat(Origins.normalize("shop", "null")).isEqualTo("null");
        assertThat(Origins.normalize("shop", "https://my_shop.example")).isEqualTo("https://my_shop.example");
        assertThat(Origins.normalize("shop", "https://bücher.example")).isEqualTo("https://xn--bcher-kva.example");
        assertThat(Origins.normalize("shop", "http://[::1]:8080")).isEqualTo("http://[::1]:8080");
    }

    @Test
    void whatIsNoOriginIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Origins.normalize("shop", "shop.example"))
                .hasMessage("clickstream.sites.shop.allowed-origins: 'shop.example' is no origin: an origin is a scheme, a host"
                        + " and an optional port, without path, query or user; e.g. https://shop.example");
        for (String noOrigin : new String[] {"https://shop.example/checkout", "https://shop.example/?a=1",
                "https://user@shop.example", "https://shop.example:port", "https://"}) {
            assertThatThrownBy(() -> Origins.normalize("shop", noOrigin)).as(noOrigin).hasMessageContaining("is no origin");
        }
    }
}
