package io.clickstream.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.HeadlessChromium;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
    @Test
    void aBrowserSendingPixelsWithoutAnIdKeepsOneIdForTheDay() throws Exception {
        // An e-mail or a noscript tag carries no id of the visitor: the gateway gives the browser a daily one.
        String url = "https://shop.example/mail/" + UUID.randomUUID();
        String pixel = base + "v1/p.gif?writeKey=demo-write-key&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            for (int open = 0; open < 2; open++) {
                chromium.driver().get(pixel + "&title=open" + open);
            }
        }
        List<JsonNode> opens = TopicReader.readUntil(Topics.EVENTS, Duration.ofSeconds(30),
                        all -> all.stream().filter(r -> r.value().at("/page/url").asText().equals(url)).count() >= 2)
                .stream().map(TopicReader.Record::value).filter(v -> v.at("/page/url").asText().equals(url)).toList();
        assertThat(opens).hasSize(2);
        assertThat(opens.get(0).get("anonymous_id").asText()).matches("px-[0-9a-f]{32}")
                .isEqualTo(opens.get(1).get("anonymous_id").asText());
        assertThat(opens.get(0).at("/context/user_agent").asText()).contains("Chrome");
    }
}
