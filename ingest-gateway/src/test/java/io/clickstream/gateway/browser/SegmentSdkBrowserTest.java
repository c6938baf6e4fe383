package io.clickstream.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.HeadlessChromium;
import io.clickstream.gateway.support.SegmentSdk;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segment's own browser SDK (analytics.js 2.0, from the npm registry) in headless Chromium, pointed at the gateway
 * the way a site moving from Segment would: its events must arrive in Kafka as canonical events, with either of its
 * delivery strategies. The shop page lives on an origin of its own, as a site's pages do.
 */
@QuarkusTest
class SegmentSdkBrowserTest {
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL gateway;

    private HttpServer site;
    private HeadlessChromium chromium;

    @BeforeEach
    void start() throws Exception {
        byte[] sdk = Files.readAllBytes(SegmentSdk.umdBundle());
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/analytics.js", ex -> send(ex, "text/javascript", sdk));
        site.createContext("/shop/", ex -> send(ex, "text/html", page(ex.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8)));
        site.start();
        chromium = new HeadlessChromium();
    }

    @AfterEach
    void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void eachCallPostedToItsOneLetterPathArrivesAsACanonicalEvent() {
        Map<String, JsonNode> byType = visit("standard", 4);
        assertThat(byType).containsOnlyKeys("page_view", "product_view", "purchase", "identify");

        JsonNode view = byType.get("page_view");
        assertThat(view.at("/page/path").asText()).isEqualTo("/shop/");
        assertThat(view.at("/page/title").asText()).isEqualTo("Mug shop");
        assertThat(view.at("/context/user_agent").asText()).contains("Chrome");
        assertThat(view.at("/context/library/name").asText()).isEqualTo("analytics.js");
        assertThat(view.get("site_id").asText()).isEqualTo("demo");
        // Its clock stamps, as the SDK sent them, give an event time next to the receive time.
        assertThat(Duration.between(java.time.Instant.parse(view.get("event_time").asText()),
                java.time.Instant.parse(view.get("received_at").asText())).abs()).isLessThan(Duration.ofSeconds(5));

        JsonNode product = byType.get("product_view");
        assertThat(product.at("/commerce/products/0/sku").asText()).isEqualTo("MUG-01");
        assertThat(product.at("/commerce/products/0/price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(product.at("/page/path").asText()).as("the page the product was viewed on").isEqualTo("/shop/");
        assertThat(product.at("/properties/url").asText()).endsWith("/products/mug");

        JsonNode order = byType.get("purchase");
        assertThat(order.at("/commerce/order_id").asText()).isEqualTo("ORD-7");
        assertThat(order.at("/commerce/revenue").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(order.at("/commerce/currency").asText()).isEqualTo("EUR");
        assertThat(order.at("/commerce/products/0/quantity").asInt()).isEqualTo(2);

        JsonNode identify = byType.get("identify");
        assertThat(identify.get("user_id").asText()).isEqualTo("user-42");
        assertThat(identify.at("/properties/plan").asText()).isEqualTo("pro");
    }

    @Test
    void theBatchingStrategyPostsToSlashB() {
        Map<String, JsonNode> byType = visit("batching", 2);
        assertThat(byType).containsOnlyKeys("page_view", "signed_up");
        assertThat(byType.get("signed_up").at("/properties/event_name").asText()).isEqualTo("Signed Up");
        assertThat(byType.get("signed_up").at("/properties/plan").asText()).isEqualTo("pro");
    }

    /** Opens the shop page with the SDK in {@code strategy} and returns the visitor's events by type, once all came. */
    private Map<String, JsonNode> visit(String strategy, int events) {
        WebDriver driver = chromium.driver();
        driver.get("http://127.0.0.1:" + site.getAddress().getPort() + "/shop/?strategy=" + strategy);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> js(d, "return window.sent === true || window.failed"));
        assertThat(js(driver, "return window.failed")).as("the SDK reported an error").isNull();
        String anonymousId = (String) js(driver, "return window.anonymousId");
        assertThat(anonymousId).isNotBlank();
        List<JsonNode> received = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anonymousId, events, KAFKA_WAIT)
                .stream().map(TopicReader.Record::value).toList();
        return received.stream().collect(Collectors.toMap(e -> e.get("event_type").asText(), e -> e, (a, b) -> a));
    }

    private String page(String query) {
        String strategy = query != null && query.contains("strategy=batching")
                ? ", deliveryStrategy: { strategy: 'batching', config: { size: 2, timeout: 500 } }" : "";
        String calls = query != null && query.contains("strategy=batching")
                ? "await Promise.all([analytics.page(), analytics.track('Signed Up', { plan: 'pro' })]);"
                : """
                  await analytics.page();
                  await analytics.track('Product Viewed', { product_id: 'MUG-01', name: 'Mug', price: 12.5,
                    url: location.origin + '/products/mug' });
                  await analytics.track('Order Completed', { order_id: 'ORD-7', revenue: 25, currency: 'EUR',
                    products: [{ product_id: 'MUG-01', price: 12.5, quantity: 2 }] });
                  await analytics.identify('user-42', { plan: 'pro' });""";
        return """
                <!doctype html><html><head><title>Mug shop</title><script src="/analytics.js"></script></head><body>
                <script>
                (async () => {
                  try {
                    const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({ writeKey: 'demo-write-key',
                      cdnSettings: { integrations: { 'Segment.io': { apiKey: 'demo-write-key', apiHost: '%s/v1',
                        protocol: 'http'%s } } } });
                    window.anonymousId = analytics.user().anonymousId();
                    %s
                    window.sent = true;
                  } catch (e) { window.failed = String(e); }
                })();
                </script></body></html>""".formatted(gateway.getHost() + ":" + gateway.getPort(), strategy, calls);
    }

    private static Object js(WebDriver driver, String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
