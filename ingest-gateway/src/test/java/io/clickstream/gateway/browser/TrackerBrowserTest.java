package io.clickstream.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.HeadlessChromium;
import io.clickstream.gateway.support.TopicReader;
import io.clickstream.gateway.support.TopicReader.Record;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Chromium runs the real tracker ({@code /tracker.js}) on the demo shop and on a test page, and the
 * events are read back from the real Kafka topic. Each test uses a fresh browser profile, so a fresh visitor.
 */
@QuarkusTest
class TrackerBrowserTest {
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(30);
    private static final Duration BROWSER_WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** The test page's timer never fires during a test: what it tracks can only leave on page hide. */
    private static final String HIDE_ONLY = "test-pages/tracker.html?flushInterval=600000";

    @TestHTTPResource("/")
    URL base;

    private HeadlessChromium chromium;
    private WebDriver driver;

    @BeforeEach
    void startBrowser() throws IOException {
        chromium = new HeadlessChromium();
        driver = chromium.driver();
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void shopVisitArrivesInKafkaInOrderIncludingTheEventsSentOnPageHide() {
        // A second window keeps the browser running once the shop's tab is closed, so its beacons go out.
        String shopTab = driver.getWindowHandle();
        String spare = driver.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        driver.switchTo().window(shopTab);

        open("demo/");
        String visitor = anonymousId();
        assertThat(visitor).matches(UUID);

        click("category-apparel");
        waitUntil(d -> d.getCurrentUrl().contains("category=Apparel") && d.findElements(By.id("product-MUG-01")).isEmpty());
        navigateByClick("product-TEE-01");
        WebElement quantity = driver.findElement(By.id("quantity"));
        quantity.clear();
        quantity.sendKeys("2");
        click("add-to-cart");
        waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("added")));
        navigateByClick("go-to-cart");
        assertThat(driver.findElement(By.id("cart-total")).getText()).isEqualTo("$48.00");
        navigateByClick("checkout");
        click("place-order");
        waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("thank-you")));
        String orderId = driver.findElement(By.id("order-id")).getText();
        assertThat(orderId).startsWith("ORD-");
        navigateByClick("continue-shopping");

        // Single-page-app navigation on a page whose timer never flushes: these events leave only on page hide.
        open(HIDE_ONLY);
        js("history.pushState(null, '', location.pathname + location.search + '&view=2')");
        js("history.replaceState({ step: 2 }, '', location.href)"); // same URL: no second page view
        js("location.hash = 'section'"); // a fragment is not a new page
        js("history.go(-2)");
        waitUntil(d -> !d.getCurrentUrl().contains("view=2") && !d.getCurrentUrl().contains("#"));
        click("plain"); // not marked with data-cs-click
        click("cta");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 4);
        assertThat(anonymousId()).isEqualTo(visitor);
        assertThat(js("return document.cookie")).asString().contains("cs_aid=" + visitor);

        driver.close();
        driver.switchTo().window(spare);

        List<String> expected = List.of(
                "page_view", "click", "page_view",
                "click", "page_view", "product_view", "click", "add_to_cart",
                "click", "page_view", "click", "checkout_start", "page_view",
                "click", "purchase", "page_view", "click", "page_view",
                "page_view", "page_view", "page_view", "click");
        // At least once: a batch in flight when a page goes is sent again with the beacons, as the browser may drop
        // it. A repeat is the same event (same event_id, same content), which silver drops; what must hold is that
        // every event arrives, in order.
        List<JsonNode> received = awaitDistinctEvents(visitor, expected.size());
        List<JsonNode> events = firstOfEachEventId(received);
        assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactlyElementsOf(expected);
        assertThat(events).extracting(e -> e.path("event_id").asText()).allMatch(id -> id.matches(UUID));
        assertRepeatsAreCopies(received, events);
        assertThat(events).extracting(e -> e.path("session_id").asText()).containsOnly(events.get(0).path("session_id").asText());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("site_id").asText()).isEqualTo("demo");
            assertThat(e.path("sent_at").isTextual()).isTrue();
            assertThat(e.path("received_at").isTextual()).isTrue();
            assertThat(e.path("context").path("library").path("name").asText()).isEqualTo("clickstream.js");
            assertThat(e.path("context").path("user_agent").asText()).contains("Chrome");
            assertThat(e.path("context").path("screen").path("width").asInt()).isPositive();
            assertThat(e.path("context").path("locale").asText()).isNotEmpty();
            assertThat(e.path("context").path("timezone").asText()).isNotEmpty();
        });

        List<JsonNode> views = events.stream().filter(e -> e.path("event_type").asText().equals("page_view")).toList();
        assertThat(views).extracting(e -> e.path("page").path("path").asText()).containsExactly(
                "/demo/", "/demo/", "/demo/product.html", "/demo/cart.html", "/demo/checkout.html", "/demo/checkout.html",
                "/demo/index.html", "/test-pages/tracker.html", "/test-pages/tracker.html", "/test-pages/tracker.html");
        assertThat(views.get(1).path("page").path("url").asText()).endsWith("/demo/?category=Apparel");
        assertThat(views.get(1).path("page").path("title").asText()).startsWith("Apparel");
        assertThat(views.get(1).path("page").path("referrer").asText()).endsWith("/demo/");
        assertThat(views.get(2).path("page").path("title").asText()).startsWith("Partition Tee");
        assertThat(views.get(5).path("page").path("url").asText()).endsWith("order=" + orderId);
        assertThat(views.get(8).path("page").path("url").asText()).endsWith("&view=2");
        assertThat(views.get(9).path("page").path("referrer").asText()).endsWith("&view=2");

        assertThat(events).filteredOn(e -> e.path("event_type").asText().equals("click"))
                .extracting(e -> e.path("properties").path("name").asText())
                .containsExactly("category", "product", "add-to-cart", "go-to-cart", "checkout", "place-order",
                        "continue-shopping", "cta");

        JsonNode viewed = only(events, "product_view").path("commerce");
        assertThat(viewed.path("products")).singleElement().satisfies(p -> assertTee(p, null));
        JsonNode added = only(events, "add_to_cart").path("commerce");
        assertThat(added.path("products")).singleElement().satisfies(p -> assertTee(p, 2));
        assertThat(added.path("currency").asText()).isEqualTo("USD");
        JsonNode checkout = only(events, "checkout_start").path("commerce");
        assertThat(checkout.path("products")).singleElement().satisfies(p -> assertTee(p, 2));
        assertThat(checkout.path("revenue").decimalValue()).isEqualByComparingTo("48");
        JsonNode purchase = only(events, "purchase").path("commerce");
        assertThat(purchase.path("order_id").asText()).isEqualTo(orderId);
        assertThat(purchase.path("products")).singleElement().satisfies(p -> assertTee(p, 2));
        assertThat(purchase.path("revenue").decimalValue()).isEqualByComparingTo("48");
        assertThat(purchase.path("currency").asText()).isEqualTo("USD");
    }

    @Test
    void failedSendsAreRetriedWithBackoffHonouringRetryAfter() {
        try (FlakyGateway gateway = new FlakyGateway(503, 500)) {
            // early=1: calls made through the snippet's stub before the tracker loaded, replayed after init.
            open("test-pages/tracker.html?early=1&host=" + encode(gateway.url()));
            String visitor = anonymousId();

            List<JsonNode> events = awaitEvents(visitor, 2);
            assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "early_call");
            assertThat(events.get(1).path("properties").path("queued").asBoolean()).isTrue();
            // the stub's identify applies before the first page view, as a call made after the tracker loaded would
            assertThat(events).extracting(e -> e.path("user_id").asText()).containsExactly("early-user", "early-user");

            assertThat(gateway.attempts).extracting(Attempt::status).containsExactly(503, 500, 202);
            List<String> ids = events.stream().map(e -> e.path("event_id").asText()).toList();
            assertThat(gateway.attempts).allSatisfy(a -> assertThat(a.eventIds()).isEqualTo(ids));
            assertThat(gateway.attempts.get(1).nanos() - gateway.attempts.get(0).nanos())
                    .as("Retry-After: 1 is honoured").isGreaterThanOrEqualTo(Duration.ofMillis(950).toNanos());
            waitUntil(d -> storedQueue() == null);
        }
    }

    /** A visitor moving on during an outage: the next page waits out the Retry-After too, rather than send at once. */
    @Test
    void aRetryAfterHoldsForTheSitesNextPage() {
        try (FlakyGateway gateway = new FlakyGateway(503)) {
            gateway.retryAfter = "4";
            String page = "test-pages/tracker.html?host=" + encode(gateway.url());
            open(page);
            String visitor = anonymousId();
            waitUntil(d -> gateway.attempts.size() == 1);
            open(page);
            assertThat(js("return localStorage.getItem('cs:retry:demo-write-key')")).as("the wait, for the site's pages").isNotNull();

            List<JsonNode> events = awaitEvents(visitor, 2);
            assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "page_view");
            assertThat(gateway.attempts).extracting(Attempt::status).containsExactly(503, 202);
            assertThat(gateway.attempts.get(1).nanos() - gateway.attempts.get(0).nanos())
                    .as("the next page honours the Retry-After: 4 the page before it got").isGreaterThanOrEqualTo(Duration.ofMillis(3_900).toNanos());
            waitUntil(d -> storedQueue() == null);
            assertThat(js("return localStorage.getItem('cs:retry:demo-write-key')")).as("the backoff ends with a success").isNull();
        }
    }

    /** Back online, the page sends at once, whatever wait the failures before set for the site's pages. */
    @Test
    void comingBackOnlineEndsTheWait() {
        try (FlakyGateway gateway = new FlakyGateway(503)) {
            gateway.retryAfter = "600";
            open("test-pages/tracker.html?host=" + encode(gateway.url()));
            String visitor = anonymousId();
            waitUntil(d -> js("return localStorage.getItem('cs:retry:demo-write-key')") != null);
            js("window.dispatchEvent(new Event('online'))");

            assertThat(awaitEvents(visitor, 1)).hasSize(1);
            assertThat(gateway.attempts).extracting(Attempt::status).containsExactly(503, 202);
            assertThat(js("return localStorage.getItem('cs:retry:demo-write-key')")).isNull();
        }
    }

    /** A wait stored while the clock ran a day ahead: the clock set right again, it is not waited for. */
    @Test
    void aStoredWaitFromAClockSinceSetBackIsForgotten() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?host=" + encode(gateway.url());
            open(page);
            String visitor = anonymousId();
            awaitEvents(visitor, 1);
            js("localStorage.setItem('cs:retry:demo-write-key', JSON.stringify({ at: Date.now() + 864e5, n: 5 }))");
            open(page);

            assertThat(awaitEvents(visitor, 2)).hasSize(2);
            assertThat(gateway.attempts).extracting(Attempt::status).containsExactly(202, 202);
            assertThat(js("return localStorage.getItem('cs:retry:demo-write-key')")).isNull();
        }
    }

    @Test
    void aRetryAfterOfWeeksWaitsAnHourInsteadOfSpinningATimer() throws InterruptedException {
        try (FlakyGateway gateway = new FlakyGateway(503)) {
            gateway.retryAfter = "3000000"; // 35 days: 3e9 ms, past setTimeout's 32-bit range, read as a negative delay: at once
            open("test-pages/tracker.html?flushInterval=3000&host=" + encode(gateway.url()));
            // Counts the timers the tracker sets from here on; its first send leaves after the 3 s flush interval.
            js("window.timersSet = 0; const set = window.setTimeout;"
                    + " window.setTimeout = function () { window.timersSet++; return set.apply(window, arguments); };");
            waitUntil(d -> gateway.attempts.size() == 1);
            Thread.sleep(2_000);

            assertThat(((Number) js("return window.timersSet")).intValue()).as("timers set after the 503").isLessThan(5);
            assertThat(gateway.attempts).hasSize(1);
            assertThat(js("return clickstream.stats().queued")).isEqualTo(1L);
            assertThat(storedQueue()).hasSize(1);
        }
    }

    @Test
    void eventsQueuedWhileOfflineSurviveTheNextPageLoad() throws IOException {
        open("test-pages/tracker.html?host=" + encode("http://127.0.0.1:" + closedPort()));
        String visitor = anonymousId();
        js("clickstream.track('offline_probe', { attempt: 1 })");
        waitUntil(d -> ((Number) js("return clickstream.stats().failures")).intValue() >= 1);
        assertThat(storedQueue()).hasSize(2);

        open("test-pages/tracker.html");
        List<JsonNode> events = awaitEvents(visitor, 3);
        assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "offline_probe", "page_view");
        assertThat(events).extracting(e -> e.path("event_id").asText()).doesNotHaveDuplicates();
        waitUntil(d -> storedQueue() == null);
    }

    @Test
    void aBacklogTravelsInChunksUnderTheBrowsersKeepaliveCap() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?flushInterval=600000&host=" + encode(gateway.url());
            open(page);
            String visitor = anonymousId();
            // ~1.7 KB per event: 150 of them are 250 KB, four times the 64 KB a keepalive request may carry.
            js("for (let i = 0; i < 150; i++) clickstream.track('bulk', { i: i, filler: 'x'.repeat(1000) })");
            awaitEvents(visitor, 151);
            int sentByFetch = gateway.attempts.size();
            assertThat(sentByFetch).isGreaterThanOrEqualTo(4);

            // Another 150 when the page goes: a request may be in flight, which the browser may still drop, so its
            // events lead the beacons that fit beside it under the browser's 64 KB keepalive cap; the next page sends
            // what stayed stored.
            js("for (let i = 150; i < 300; i++) clickstream.track('bulk', { i: i, filler: 'x'.repeat(1000) })");
            open(page);
            // Delivery is at least once: a batch the browser reported failed while the page unloaded may still have
            // arrived, and is then sent again from storage. A repeat is the same event (same event_id, same content),
            // which silver drops; what must hold is that every event arrives. Requests sent one after another arrive
            // in order; the beacons of one page hide travel side by side, and a small one may overtake a large one
            // (silver and gold order a visitor's events by event time).
            List<JsonNode> received = awaitDistinctEvents(visitor, 302);
            List<JsonNode> events = firstOfEachEventId(received);
            assertThat(events).hasSize(302);
            assertThat(events.get(0).path("event_type").asText()).isEqualTo("page_view");
            assertThat(events).filteredOn(e -> e.path("event_type").asText().equals("page_view")).hasSize(2);
            List<JsonNode> bulk = events.stream().filter(e -> e.path("event_type").asText().equals("bulk")).toList();
            assertThat(bulk).extracting(e -> e.path("properties").path("i").asInt())
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 300).boxed().toList())
                    .startsWith(IntStream.range(0, 150).boxed().toArray(Integer[]::new));
            Map<String, Integer> order = new HashMap<>();
            bulk.forEach(e -> order.put(e.path("event_id").asText(), e.path("properties").path("i").asInt()));
            assertThat(gateway.attempts).allSatisfy(a -> assertThat(a.eventIds().stream().filter(order::containsKey)
                    .map(order::get).toList()).as("events in the order they happened, within each request").isSorted());
            assertRepeatsAreCopies(received, events);

            assertThat(gateway.attempts).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(202);
                assertThat(a.bytes()).isLessThan(60_000);
            });
            assertThat(gateway.attempts.subList(0, sentByFetch)).extracting(Attempt::mode).containsOnly("cors");
            int beaconBytes = gateway.attempts.stream().filter(a -> "no-cors".equals(a.mode())).mapToInt(Attempt::bytes).sum();
            assertThat(beaconBytes).as("beacons stay within the 64 KB browsers allow in flight").isLessThanOrEqualTo(64_000);
        }
    }

    @Test
    void theOfflineQueueIsBoundedAndDropsTheOldestEvents() throws IOException {
        open("test-pages/tracker.html?flushInterval=600000&host=" + encode("http://127.0.0.1:" + closedPort()));
        @SuppressWarnings("unchecked")
        Map<String, Number> queue = (Map<String, Number>) js("""
                for (let i = 0; i < 600; i++) clickstream.track('overflow', { i: i });
                const stored = JSON.parse(localStorage.getItem('cs:q:demo-write-key'));
                return { stored: stored.length, chars: localStorage.getItem('cs:q:demo-write-key').length,
                         first: stored[0].properties.i, last: stored[stored.length - 1].properties.i,
                         dropped: clickstream.stats().dropped, queued: clickstream.stats().queued };""");
        int stored = queue.get("stored").intValue();
        int dropped = queue.get("dropped").intValue();
        assertThat(stored).isBetween(100, 500);
        assertThat(queue.get("chars").intValue()).isLessThanOrEqualTo(256_000);
        assertThat(dropped + stored).as("the page view and 600 events, each either kept or counted as dropped").isEqualTo(601);
        assertThat(queue.get("last").intValue()).isEqualTo(599);
        assertThat(queue.get("first").intValue()).as("the oldest go first").isEqualTo(dropped - 1);
        assertThat(queue.get("queued").intValue()).isEqualTo(stored);
    }

    @Test
    void theQueueStaysBoundedInMemoryWhenLocalStorageIsFull() throws IOException {
        open("test-pages/tracker.html?flushInterval=600000&host=" + encode("http://127.0.0.1:" + closedPort()));
        @SuppressWarnings("unchecked")
        Map<String, Object> queue = (Map<String, Object>) js("""
                // Another script of the page has used up the origin's quota: every write of the queue now fails.
                for (let size = 1 << 20, n = 0; size >= 16; ) {
                  try { localStorage.setItem('other-app:' + n++, 'x'.repeat(size)); } catch (e) { size >>= 1; }
                }
                for (let i = 0; i < 600; i++) clickstream.track('overflow', { i: i });
                return { stored: JSON.parse(localStorage.getItem('cs:q:demo-write-key')).length,
                         queued: clickstream.stats().queued, dropped: clickstream.stats().dropped };""");
        int queued = ((Number) queue.get("queued")).intValue();
        int dropped = ((Number) queue.get("dropped")).intValue();
        assertThat(((Number) queue.get("stored")).intValue()).as("only the page view was written before the quota ran out").isEqualTo(1);
        assertThat(queued).isBetween(100, 500);
        assertThat(dropped + queued).as("the page view and 600 events, each either kept or counted as dropped").isEqualTo(601);
    }

    @Test
    void definitiveClientErrorDropsTheBatchWithoutRetrying() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            open("test-pages/tracker.html?writeKey=unknown-key&host=" + encode(gateway.url()));
            waitUntil(d -> gateway.attempts.size() == 1 && js("return localStorage.getItem('cs:q:unknown-key')") == null);
            assertThat(gateway.attempts.get(0).status()).isEqualTo(401);

            // Had the 401 batch been kept for a retry, it would travel again ahead of this event.
            js("clickstream.track('after_refusal')");
            waitUntil(d -> gateway.attempts.size() == 2);
            assertThat(gateway.attempts.get(1).status()).isEqualTo(401);
            assertThat(gateway.attempts.get(1).types()).containsExactly("after_refusal");
        }
    }

    @Test
    void nothingIsSentOrStoredWithoutConsentOrAfterOptOut() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?host=" + encode(gateway.url());
            open(page + "&consent=pending");
            js("clickstream.track('before_consent')");
            click("cta");
            assertThat(trackerStorage()).isEmpty();
            assertThat(js("return document.cookie")).asString().doesNotContain("cs_aid");

            js("clickstream.optIn()");
            String first = anonymousId();
            assertThat(awaitEvents(first, 1)).extracting(e -> e.path("event_type").asText()).containsExactly("page_view");

            js("clickstream.optOut()");
            assertThat(trackerStorage()).containsExactly("cs:consent");
            assertThat(js("return document.cookie")).asString().doesNotContain("cs_aid");
            js("clickstream.track('after_opt_out')");
            click("cta");
            js("history.pushState(null, '', location.href + '&view=2')");
            open(page); // no consent option: the opt-out itself is remembered
            click("cta");
            assertThat(trackerStorage()).containsExactly("cs:consent");
            assertThat(js("return clickstream.anonymousId()")).isNull();

            js("clickstream.optIn()");
            String second = anonymousId();
            assertThat(second).isNotEqualTo(first);
            assertThat(awaitEvents(second, 1)).extracting(e -> e.path("event_type").asText()).containsExactly("page_view");

            // The tracker sends in order, so the second page view is a barrier: nothing else was sent before it.
            assertThat(gateway.attempts).flatExtracting(Attempt::types).containsExactly("page_view", "page_view");
            assertThat(awaitEvents(first, 1)).hasSize(1);
        }
    }

    @Test
    void anOptOutIsRememberedWhereLocalStorageIsBlocked() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?blockStorage=1&host=" + encode(gateway.url());
            open(page);
            js("clickstream.optIn()"); // held in this page's memory, storage being blocked
            assertThat(js("return clickstream.anonymousId()")).asString().matches(UUID);
            js("clickstream.flush()");
            waitUntil(d -> gateway.attempts.size() == 1);

            js("window.restoredFromCache = true");
            open(page + "&second=1");
            js("clickstream.optOut()");
            driver.navigate().back(); // the first page, restored as it was, tracking on
            awaitTracker();
            assertThat(js("return window.restoredFromCache === true")).as("the browser restored the page from its cache").isEqualTo(true);
            assertThat(js("return clickstream.anonymousId()")).as("the opt-out reached the restored page").isNull();

            open(page); // a new page: its memory is new, and storage is still blocked
            click("cta");
            js("clickstream.track('after_opt_out'); clickstream.flush()");
            assertThat(js("return clickstream.anonymousId()")).as("tracking stays off").isNull();
            assertThat(js("return document.cookie")).asString().contains("cs_consent=denied").doesNotContain("cs_aid");

            js("clickstream.optIn()"); // tracks this page at once
            assertThat(js("return clickstream.anonymousId()")).asString().matches(UUID);
            js("clickstream.flush()");
            waitUntil(d -> gateway.attempts.size() == 2);
            assertThat(gateway.attempts).flatExtracting(Attempt::types).containsExactly("page_view", "page_view");
        }
    }

    /** The user id and the session both hold on the next page: in cookies, storage being blocked. */
    @Test
    void anIdentifyAndTheSessionHoldOnTheNextPagesWhereLocalStorageIsBlocked() {
        String user = "user-" + java.util.UUID.randomUUID();
        open("test-pages/tracker.html?blockStorage=1");
        js("clickstream.identify('" + user + "')");
        open("test-pages/tracker.html?blockStorage=1&second=1");
        String visitor = (String) js("return clickstream.anonymousId()");

        // the first page's view may arrive twice: in flight as the page went, and beaconed
        List<JsonNode> events = firstOfEachEventId(awaitDistinctEvents(visitor, 2));
        assertThat(events).extracting(e -> e.hasNonNull("user_id") ? e.path("user_id").asText() : null).containsExactly(null, user);
        assertThat(events).extracting(e -> e.path("session_id").asText()).containsOnly(events.get(0).path("session_id").asText());
        js("clickstream.reset()");
        assertThat(js("return document.cookie")).asString().doesNotContain("cs_uid").doesNotContain("cs_sid");
    }

    /** A reset on a later page holds in a page restored from the cache, though that page remembers the old ids. */
    @Test
    void aResetOnALaterPageHoldsInARestoredPageWhereLocalStorageIsBlocked() {
        String page = "test-pages/tracker.html?blockStorage=1&flushInterval=600000";
        open(page);
        js("clickstream.identify('someone')");
        String before = (String) js("return clickstream.anonymousId()");
        String sessionBefore = cookieSession();
        js("window.restoredFromCache = true");
        open(page + "&second=1");
        assertThat(cookieSession()).as("the next page goes on with the session").isEqualTo(sessionBefore);
        js("clickstream.reset()");
        String renewed = (String) js("return clickstream.anonymousId()");
        assertThat(renewed).isNotEqualTo(before);
        driver.navigate().back();
        awaitTracker();
        assertThat(js("return window.restoredFromCache === true")).as("the browser restored the page from its cache").isEqualTo(true);
        assertThat(js("return clickstream.anonymousId()")).isEqualTo(renewed);
        assertThat(js("return document.cookie")).asString().contains("cs_aid=" + renewed).doesNotContain("cs_uid");
        assertThat(cookieSession()).as("the restored page's view starts the new visitor's session").isNotNull()
                .isNotEqualTo(sessionBefore);
    }

    /** The session id in the {@code cs_sid} cookie, where storage is blocked. */
    private String cookieSession() {
        return (String) js("const m = document.cookie.match(/(?:^|; )cs_sid=([^;]*)/);"
                + " return m ? JSON.parse(decodeURIComponent(m[1])).id : null");
    }

    /** Where storage is blocked no storage event tells the other tabs of an opt-out: the cookie does, at their next event. */
    @Test
    void anOptOutInOneTabStopsTheOtherTabsAtTheirNextEventWhereLocalStorageIsBlocked() {
        optOutInAnotherTabWithStorageBlocked("clickstream.track('after_opt_out_elsewhere')");
    }

    /** ... or at their next send, which may be of events tracked before the opt-out. */
    @Test
    void anOptOutInOneTabStopsTheOtherTabsAtTheirNextSendWhereLocalStorageIsBlocked() {
        optOutInAnotherTabWithStorageBlocked("clickstream.flush()");
    }

    private void optOutInAnotherTabWithStorageBlocked(String firstCall) {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?blockStorage=1&host=" + encode(gateway.url());
            String first = driver.getWindowHandle();
            open(page);
            String second = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
            open(page);
            js("clickstream.flush()");
            driver.switchTo().window(first);
            // each tab's page view; the first's may come twice, in flight as the tab was hidden and beaconed
            js("clickstream.flush()");
            waitUntil(d -> gateway.attempts.stream().mapToLong(a -> a.types().size()).sum() >= 2);

            driver.switchTo().window(second);
            js("clickstream.optOut()");
            driver.switchTo().window(first);
            js(firstCall);
            assertThat(js("return clickstream.anonymousId()")).isNull();
            js("clickstream.track('after_opt_out_elsewhere'); clickstream.flush()");
            assertThat(js("return clickstream.anonymousId()")).isNull();
            assertThat(js("return document.cookie")).asString().contains("cs_consent=denied")
                    .doesNotContain("cs_aid").doesNotContain("cs_sid");
            driver.close(); // its page hide sends nothing either
            driver.switchTo().window(second);
            assertThat(gateway.attempts).flatExtracting(Attempt::types).containsOnly("page_view");
        }
    }

    @Test
    void anOptOutInOneTabStopsTheSitesOtherTabs() {
        try (FlakyGateway gateway = new FlakyGateway()) {
            String page = "test-pages/tracker.html?host=" + encode(gateway.url());
            String first = driver.getWindowHandle();
            open(page);
            String visitor = anonymousId();
            String second = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
            open(page);
            assertThat(anonymousId()).isEqualTo(visitor);
            waitUntil(d -> gateway.attempts.stream().mapToLong(a -> a.types().size()).sum() == 2);

            driver.switchTo().window(first);
            js("clickstream.optOut()");
            driver.switchTo().window(second);
            waitUntil(d -> js("return clickstream.anonymousId()") == null);
            js("clickstream.track('after_opt_out_elsewhere')");
            click("cta");
            assertThat(js("return clickstream.stats().queued")).isEqualTo(0L);
            assertThat(trackerStorage()).containsExactly("cs:consent");
            js("clickstream.flush()");
            driver.close(); // its page hide sends nothing either
            driver.switchTo().window(first);
            assertThat(trackerStorage()).containsExactly("cs:consent");

            assertThat(gateway.attempts).flatExtracting(Attempt::types).containsExactly("page_view", "page_view");
            assertThat(awaitEvents(visitor, 2)).hasSize(2);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A port nothing listens on once the probe socket is closed: connections there are refused. */
    @Test
    void cartLinesKeepTheProductsQuantityAndProductsMayBeNamedAsInSegment() {
        open("test-pages/tracker.html");
        String visitor = anonymousId();
        js("clickstream.addToCart({ sku: 'MUG-01', price: 12, quantity: 3 });"
                + "clickstream.addToCart({ sku: 'MUG-01', price: 12, quantity: 3 }, 2);"
                + "clickstream.removeFromCart({ sku: 'MUG-01', price: 12 });"
                + "clickstream.purchase({ order_id: 'o-1', currency: 'EUR', products: [{ product_id: 'CAP-02', price: 30, quantity: 2 }] });"
                + "clickstream.purchase({ order_id: 'o-2', products: [{ name: 'no identifier', price: 5 }] });"
                + "clickstream.purchase({ order_id: 'o-3', products: [{ sku: '', product_id: 'CAP-03' }] });"
                + "clickstream.flush();");

        List<JsonNode> events = firstOfEachEventId(awaitDistinctEvents(visitor, 7));
        assertThat(events).extracting(e -> e.path("event_type").asText())
                .containsExactly("page_view", "add_to_cart", "add_to_cart", "remove_from_cart", "purchase", "purchase", "purchase");
        assertThat(events.subList(1, 4)).extracting(e -> e.path("commerce").path("products").path(0).path("quantity").asInt())
                .as("the product's own quantity, the one passed, the default").containsExactly(3, 2, 1);
        JsonNode segmentNamed = events.get(4).path("commerce");
        assertThat(segmentNamed.path("products").path(0).path("sku").asText()).isEqualTo("CAP-02");
        assertThat(segmentNamed.path("revenue").decimalValue()).isEqualByComparingTo("60");
        JsonNode unnamed = events.get(5).path("commerce");
        assertThat(unnamed.path("products")).as("a product without an identifier is left out").isEmpty();
        assertThat(unnamed.has("revenue")).as("no revenue made up from no products").isFalse();
        JsonNode unpriced = events.get(6).path("commerce");
        assertThat(unpriced.path("products").path(0).path("sku").asText()).as("an empty sku is no sku").isEqualTo("CAP-03");
        assertThat(unpriced.has("revenue")).as("no revenue made up from lines without a price").isFalse();
    }

    @Test
    void hashRoutesArePagesWhileAnchorsAreNot() {
        open(HIDE_ONLY);
        String visitor = anonymousId();
        js("history.replaceState(null, '', location.pathname + location.search + '#/')"); // a router starting: same page
        js("location.hash = 'section'"); // an in-page anchor
        js("location.hash = '#/products?sort=price#reviews'"); // a hash router's page, and an anchor in it
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 2);
        js("history.pushState(null, '', '#!/cart')");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 3);
        js("location.hash = '#!/cart#top'"); // the same page again
        js("clickstream.flush()");

        List<JsonNode> views = firstOfEachEventId(awaitDistinctEvents(visitor, 3));
        assertThat(views).extracting(e -> e.path("page").path("path").asText()).containsExactly(
                "/test-pages/tracker.html", "/test-pages/tracker.html#/products", "/test-pages/tracker.html#!/cart");
        assertThat(views).extracting(e -> e.path("event_type").asText()).containsOnly("page_view");
        assertThat(views.get(2).path("page").path("referrer").asText()).endsWith("#/products?sort=price");
    }

    @Test
    void aRoutedPageViewTakesTheTitleTheNewRouteSetsAfterTheUrlChanged() throws InterruptedException {
        open(HIDE_ONLY);
        String visitor = anonymousId();
        // A router that loads the route's data first, and one that sets the title in the same task as the URL.
        js("history.pushState(null, '', '#/a'); setTimeout(() => { document.title = 'Loading'; }, 50);"
                + " setTimeout(() => { document.title = 'Page A'; }, 300)");
        waitUntil(d -> "Page A".equals(d.getTitle()));
        js("history.pushState(null, '', '#/b'); document.title = 'Page B'");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 3);
        // One that sets the next route's title before it changes the URL (in a guard): #/b keeps its own.
        js("document.title = 'Page C'; Promise.resolve().then(() => history.pushState(null, '', '#/c'))");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 4);
        // A route that never sets one keeps the title it found, and a title set past the wait is not taken for it.
        js("history.pushState(null, '', '#/d')");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 5);
        Thread.sleep(2_000);
        js("document.title = 'Much later'");
        js("clickstream.flush()");

        List<JsonNode> views = firstOfEachEventId(awaitDistinctEvents(visitor, 5));
        assertThat(views).extracting(e -> e.path("page").path("path").asText()).containsExactly("/test-pages/tracker.html",
                "/test-pages/tracker.html#/a", "/test-pages/tracker.html#/b", "/test-pages/tracker.html#/c",
                "/test-pages/tracker.html#/d");
        assertThat(views).extracting(e -> e.path("page").path("title").asText())
                .containsExactly("Tracker test page", "Page A", "Page B", "Page C", "Page C");
    }

    @Test
    void aPageRestoredFromTheBackForwardCacheIsAPageViewAgain() {
        open("test-pages/tracker.html");
        String visitor = anonymousId();
        js("window.restoredFromCache = true"); // survives only if the page itself is kept and shown again
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 0);
        driver.get(base + "demo/");
        awaitTracker();
        driver.navigate().back();
        awaitTracker();
        assertThat(js("return window.restoredFromCache === true")).as("the browser restored the page from its cache").isEqualTo(true);
        js("clickstream.flush()");

        List<JsonNode> views = firstOfEachEventId(awaitDistinctEvents(visitor, 3));
        assertThat(views).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "page_view", "page_view");
        assertThat(views).extracting(e -> e.path("page").path("path").asText())
                .containsExactly("/test-pages/tracker.html", "/demo/", "/test-pages/tracker.html");
    }

    /**
     * A tab in the background, closed: no visibilitychange follows its pagehide, so what the page's own pagehide
     * handler (run after the tracker's) tracks must leave with the page's beacons.
     */
    @Test
    void anEventTrackedAsABackgroundTabClosesLeavesWithItsBeacons() {
        driver.get(base + "tracker.js"); // a page of the gateway's origin without the tracker
        String opener = driver.getWindowHandle();
        js("window.shop = window.open('/" + HIDE_ONLY + "')");
        driver.switchTo().window(driver.getWindowHandles().stream().filter(h -> !h.equals(opener)).findFirst().orElseThrow());
        awaitTracker();
        String visitor = anonymousId();
        js("addEventListener('pagehide', () => clickstream.track('page_leave'))");
        driver.switchTo().window(opener);
        waitUntil(d -> "hidden".equals(js("return shop.document.visibilityState")));
        js("shop.close()");

        // two beacons, two requests: they may arrive in either order
        assertThat(firstOfEachEventId(awaitDistinctEvents(visitor, 2))).extracting(e -> e.path("event_type").asText())
                .containsExactlyInAnyOrder("page_view", "page_leave");
    }

    /** The next page sent what a page left stored; that page, restored from the cache, does not send it again. */
    @Test
    void aPageRestoredFromTheCacheDoesNotSendAgainWhatTheNextPageSent() {
        try (FlakyGateway gateway = new FlakyGateway(503)) {
            String page = "test-pages/tracker.html?host=" + encode(gateway.url());
            open(page);
            String visitor = anonymousId();
            // refused, and seen refused: while sends fail, a page going beacons nothing
            waitUntil(d -> ((Number) js("return clickstream.stats().failures")).intValue() == 1);
            js("window.restoredFromCache = true");
            open(page + "&second=1");
            waitUntil(d -> gateway.attempts.size() == 2 && storedQueue() == null);
            driver.navigate().back();
            awaitTracker();
            assertThat(js("return window.restoredFromCache === true")).as("the browser restored the page from its cache").isEqualTo(true);
            js("clickstream.flush()");

            assertThat(awaitDistinctEvents(visitor, 3)).hasSize(3);
            waitUntil(d -> storedQueue() == null);
            assertThat(gateway.attempts.stream().filter(a -> a.status() == 202).flatMap(a -> a.eventIds().stream()))
                    .as("event ids delivered").hasSize(3).doesNotHaveDuplicates();
        }
    }

    @Test
    void anEventTrackedAsTheRouteChangesComesAfterTheNewPagesView() {
        open(HIDE_ONLY);
        String visitor = anonymousId();
        js("history.pushState(null, '', '#/p/1'); clickstream.productView({ sku: 'MUG-01', price: 12 })");
        waitUntil(d -> ((Number) js("return clickstream.stats().queued")).intValue() == 3);
        js("clickstream.flush()");

        List<JsonNode> events = awaitDistinctEvents(visitor, 3);
        assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "page_view", "product_view");
        assertThat(events).extracting(e -> e.path("page").path("path").asText()).containsExactly("/test-pages/tracker.html",
                "/test-pages/tracker.html#/p/1", "/test-pages/tracker.html#/p/1");
        assertThat(events.get(2).path("page").path("referrer").asText()).endsWith("/test-pages/tracker.html?flushInterval=600000");
    }

    /** A logout page's track then reset, called before the tracker loaded: the track is still the user's. */
    @Test
    void aTrackThenAResetMadeBeforeTheTrackerLoadedKeepTheirOrder() {
        String user = "user-" + java.util.UUID.randomUUID();
        open("test-pages/tracker.html?early=logout&user=" + user);
        String renewed = anonymousId();
        js("clickstream.track('after_reset')");

        java.util.function.Predicate<Record> users = r -> user.equals(r.value().path("user_id").asText());
        List<JsonNode> before = TopicReader.readUntil(Topics.EVENTS, KAFKA_WAIT, all -> all.stream().filter(users).count() >= 2)
                .stream().filter(users).sorted(Comparator.comparingLong(Record::offset)).map(Record::value).toList();
        assertThat(before).extracting(e -> e.path("event_type").asText()).containsExactly("page_view", "early_call");
        assertThat(before).extracting(e -> e.path("anonymous_id").asText()).doesNotContain(renewed)
                .containsOnly(before.get(0).path("anonymous_id").asText());
        JsonNode after = only(awaitEvents(renewed, 1), "after_reset");
        assertThat(after.hasNonNull("user_id")).isFalse();
    }

    /** A call that sends nothing (flush, stats) made before the identify does not keep it off the first page view. */
    @Test
    void anEarlyIdentifyAfterAnEarlyFlushIsStillOnTheFirstPageView() {
        String user = "user-" + java.util.UUID.randomUUID();
        open("test-pages/tracker.html?early=flush&user=" + user);
        assertThat(awaitEvents(anonymousId(), 2)).extracting(e -> e.path("event_type").asText() + " " + e.path("user_id").asText())
                .containsExactly("page_view " + user, "early_call " + user);
    }

    @Test
    void aResetAndAnIdentifyInOneTabHoldInTheSitesOtherTabs() {
        String user = "user-" + java.util.UUID.randomUUID();
        String first = driver.getWindowHandle();
        open(HIDE_ONLY);
        String second = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        open(HIDE_ONLY);
        // Listeners run in the order they were added: once this one saw the user's id, the tracker's had too.
        js("window.changed = []; addEventListener('storage', e => window.changed.push(e.key))");
        driver.switchTo().window(first);
        js("clickstream.reset(); clickstream.identify('" + user + "')");
        String renewed = anonymousId();
        driver.switchTo().window(second);
        waitUntil(d -> Boolean.TRUE.equals(js("return window.changed.includes('cs:uid')")));
        assertThat(js("return clickstream.anonymousId()")).isEqualTo(renewed);
        js("clickstream.track('in_the_other_tab'); clickstream.flush()");

        JsonNode event = only(awaitEvents(renewed, 1), "in_the_other_tab");
        assertThat(event.path("user_id").asText()).isEqualTo(user);
    }

    @Test
    void theFirstPageViewTakesTheTitleTheAppSetsAsItStarts() {
        open("test-pages/tracker.html?lateTitle=Rendered");
        String visitor = anonymousId();
        assertThat(only(awaitEvents(visitor, 1), "page_view").path("page").path("title").asText()).isEqualTo("Rendered");
    }

    @Test
    void aPropertyJsonCannotHoldIsLeftOutInsteadOfThrowingIntoThePage() {
        open("test-pages/tracker.html");
        String visitor = anonymousId();
        js("const o = { name: 'loop' }; o.self = o; clickstream.track('odd_properties', { cycle: o, big: 10n, kept: 1 })");

        JsonNode properties = only(awaitDistinctEvents(visitor, 2), "odd_properties").path("properties");
        assertThat(properties.path("kept").asInt()).isEqualTo(1);
        assertThat(properties.has("cycle")).isFalse();
        assertThat(properties.has("big")).isFalse();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void open(String path) {
        driver.get(base.toString() + path);
        awaitTracker();
    }

    private void awaitTracker() {
        waitUntil(d -> "complete".equals(js("return document.readyState"))
                && Boolean.TRUE.equals(js("return !!(window.clickstream && window.clickstream.loaded)")));
    }

    private void click(String id) {
        waitUntil(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    /** Clicks a link and waits until the next page and its tracker have loaded. */
    private void navigateByClick(String id) {
        WebElement root = driver.findElement(By.tagName("html"));
        click(id);
        waitUntil(ExpectedConditions.stalenessOf(root));
        awaitTracker();
    }

    private <T> T waitUntil(java.util.function.Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, BROWSER_WAIT).until(condition);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private String anonymousId() {
        return (String) js("return localStorage.getItem('cs:aid')");
    }

    @SuppressWarnings("unchecked")
    private List<Object> storedQueue() {
        return (List<Object>) js("return JSON.parse(localStorage.getItem('cs:q:demo-write-key'))");
    }

    @SuppressWarnings("unchecked")
    private List<String> trackerStorage() {
        return (List<String>) js("return Object.keys(localStorage).filter(k => k.startsWith('cs:'))");
    }

    /** This visitor's events from the real topic, in publish order (one visitor, one partition). */
    private static List<JsonNode> awaitEvents(String anonymousId, int count) {
        List<Record> records = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anonymousId, count, KAFKA_WAIT);
        assertThat(records).as("events of visitor " + anonymousId).hasSizeGreaterThanOrEqualTo(count);
        assertThat(records).extracting(Record::partition).containsOnly(records.get(0).partition());
        assertThat(records).extracting(Record::key).containsOnly(anonymousId);
        return records.stream().sorted(Comparator.comparingLong(Record::offset)).map(Record::value).toList();
    }

    /** Waits until {@code count} different event ids of the visitor arrived; returns every record, by offset. */
    private static List<JsonNode> awaitDistinctEvents(String anonymousId, int count) {
        java.util.function.Predicate<Record> mine = r -> anonymousId.equals(r.key());
        List<Record> records = TopicReader.readUntil(Topics.EVENTS, KAFKA_WAIT, all -> all.stream().filter(mine)
                .map(r -> r.value().path("event_id").asText()).distinct().count() >= count)
                .stream().filter(mine).toList();
        assertThat(records).extracting(Record::partition).containsOnly(records.get(0).partition());
        return records.stream().sorted(Comparator.comparingLong(Record::offset)).map(Record::value).toList();
    }

    /** The event as the page made it: without the stamps of its sending (sent_at, and the gateway's). */
    private static JsonNode withoutSendStamps(JsonNode event) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) event.deepCopy();
        copy.remove(List.of("sent_at", "received_at", "event_time"));
        return copy;
    }

    /** Every record received is, but for its send stamps, the first copy of its event id. */
    private static void assertRepeatsAreCopies(List<JsonNode> received, List<JsonNode> firstCopies) {
        Map<String, JsonNode> first = new java.util.HashMap<>();
        firstCopies.forEach(e -> first.put(e.path("event_id").asText(), e));
        assertThat(received).allSatisfy(e -> assertThat(withoutSendStamps(e))
                .isEqualTo(withoutSendStamps(first.get(e.path("event_id").asText()))));
    }

    private static List<JsonNode> firstOfEachEventId(List<JsonNode> events) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return events.stream().filter(e -> seen.add(e.path("event_id").asText())).toList();
    }

    private static void assertTee(JsonNode product, Integer quantity) {
        assertThat(product.path("sku").asText()).isEqualTo("TEE-01");
        assertThat(product.path("name").asText()).isEqualTo("Partition Tee");
        assertThat(product.path("category").asText()).isEqualTo("Apparel");
        assertThat(product.path("price").decimalValue()).isEqualByComparingTo("24");
        if (quantity == null) {
            assertThat(product.path("quantity").isNull() || product.path("quantity").isMissingNode()).isTrue();
        } else {
            assertThat(product.path("quantity").asInt()).isEqualTo(quantity);
        }
    }

    private static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> matching = events.stream().filter(e -> e.path("event_type").asText().equals(type)).toList();
        assertThat(matching).as(type).hasSize(1);
        return matching.get(0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One request the tracker sent to {@link FlakyGateway}, with the answer it got. */
    record Attempt(int status, long nanos, int bytes, String mode, List<String> eventIds, List<String> types) {
    }

    /**
     * Stands between the tracker and the gateway on another origin: answers the first requests with the given
     * failure statuses (503 with Retry-After: 1), forwards the rest, and records every request.
     */
    final class FlakyGateway implements AutoCloseable {
        final List<Attempt> attempts = new CopyOnWriteArrayList<>();
        private final Deque<Integer> failures;
        /** The Retry-After of a simulated 503, in seconds. */
        volatile String retryAfter = "1";
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        private final HttpClient client = HttpClient.newHttpClient();

        FlakyGateway(Integer... failures) {
            this.failures = new ArrayDeque<>(List.of(failures));
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                long now = System.nanoTime();
                byte[] body = exchange.getRequestBody().readAllBytes();
                String origin = exchange.getRequestHeaders().getFirst("Origin");
                if (origin != null) {
                    exchange.getResponseHeaders().add("Access-Control-Allow-Origin", origin);
                    exchange.getResponseHeaders().add("Access-Control-Allow-Credentials", "true");
                    exchange.getResponseHeaders().add("Access-Control-Expose-Headers", "Retry-After");
                }
                Integer failure;
                synchronized (failures) {
                    failure = failures.poll();
                }
                int status;
                byte[] answer;
                if (failure != null) {
                    status = failure;
                    answer = "{\"error\":\"simulated\"}".getBytes(StandardCharsets.UTF_8);
                    if (failure == 503) {
                        exchange.getResponseHeaders().add("Retry-After", retryAfter);
                    }
                } else {
                    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(base.toString())
                                    .resolve(exchange.getRequestURI().toString().substring(1)))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    for (String header : List.of("Content-Type", "Origin", "User-Agent")) {
                        String value = exchange.getRequestHeaders().getFirst(header);
                        if (value != null) {
                            forward.header(header, value);
                        }
                    }
                    HttpResponse<byte[]> response;
                    try {
                        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    status = response.statusCode();
                    answer = response.body();
                }
                attempts.add(attempt(status, now, body, exchange.getRequestHeaders().getFirst("Sec-Fetch-Mode")));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
        }

        private static Attempt attempt(int status, long nanos, byte[] body, String mode) throws IOException {
            List<String> ids = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (JsonNode event : JSON.readTree(body)) {
                ids.add(event.path("event_id").asText());
                types.add(event.path("event_type").asText());
            }
            return new Attempt(status, nanos, body.length, mode, ids, types);
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
