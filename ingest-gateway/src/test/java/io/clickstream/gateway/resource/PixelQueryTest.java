package io.clickstream.gateway.resource;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PixelQueryTest {

    @Test
    void decodesWhatBrowsersSendAsWritten() {
        // The query Chromium sends for <img src="/v1/p.gif?title=Shoes | Shop {x}^`\&note=50% off &ref=a%ZZ">.
        Map<String, String> q = PixelQuery.parse("title=Shoes%20|%20Shop%20{x}^`\\&note=50%%20off%20&ref=a%ZZ");
        assertThat(q).containsEntry("title", "Shoes | Shop {x}^`\\")
                .containsEntry("note", "50% off ")
                .containsEntry("ref", "a%ZZ");
    }

    @Test
    void decodesEscapesPlusSignsAndUtf8() {
        assertThat(PixelQuery.decode("caf%C3%A9+cr%C3%A8me")).isEqualTo("café crème");
        assertThat(PixelQuery.decode("%e2%82%ac")).isEqualTo("€");
        assertThat(PixelQuery.decode("a%2")).isEqualTo("a%2");
        assertThat(PixelQuery.decode("100%")).isEqualTo("100%");
        assertThat(PixelQuery.decode("%2B%26%3D")).isEqualTo("+&=");
        assertThat(PixelQuery.decode("bad%C3")).isEqualTo("bad\uFFFD");
    }

    @Test
    void firstValueWinsAndNamesWithoutValuesAreEmpty() {
        assertThat(PixelQuery.parse("a=1&a=2&&flag&b=x%3Dy=z"))
                .containsEntry("a", "1").containsEntry("flag", "").containsEntry("b", "x=y=z").hasSize(3);
        assertThat(PixelQuery.parse(null)).isEmpty();
        assertThat(PixelQuery.parse("")).isEmpty();
    }
}
