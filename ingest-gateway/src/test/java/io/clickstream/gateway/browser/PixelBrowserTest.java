package io.clickstream.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.HeadlessChromium;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Headless Chromium loads a pixel written by hand, the way a noscript tag or an e-mail carries it. */
@QuarkusTest
class PixelBrowserTest {
    @TestHTTPResource("/")
    URL base;

    @Test
    void aHandWrittenPixelWithUnescapedCharactersArrives() throws Exception {
        String anon = "pixel-" + UUID.randomUUID();
        // Chromium escapes the spaces and sends | { } ^ and the lone % as they are.
        String pixel = base + "v1/p.gif?writeKey=demo-write-key&anonymous_id=" + anon + "&title=Shoes | Shop {50% off}^";
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.driver().get(pixel);
        }
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, Duration.ofSeconds(30)).get(0).value();
        assertThat(e.get("event_type").asText()).isEqualTo("page_view");
        assertThat(e.at("/page/title").asText()).isEqualTo("Shoes | Shop {50% off}^");
        assertThat(e.at("/context/user_agent").asText()).contains("Chrome");
    }
}
