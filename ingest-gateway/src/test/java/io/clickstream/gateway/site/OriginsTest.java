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
    }

    @Test
    void whatIsNoOriginIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Origins.normalize("shop", "shop.example"))
                .hasMessage("clickstream.sites.shop.allowed-origins: 'shop.example' is no origin: an origin is a scheme and a host, e.g. https://shop.example");
        assertThatThrownBy(() -> Origins.normalize("shop", "https://shop.example/checkout"))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> Origins.normalize("shop", "https://shop.example/?a=1")).hasMessageContaining("no path, query");
    }
}
