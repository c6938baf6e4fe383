package io.clickstream.gateway.browser;

import io.clickstream.gateway.support.HeadlessChromium;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.UsernameAndPassword;

import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page served from the gateway's own origin (a site that routes the gateway through its own domain, or the demo
 * shop) sends with a write key that no site has, as after a key rotation. The visitor must see nothing: Chromium
 * would show a login dialog for any 401 carrying a Basic challenge, which the DevTools auth handler registered here
 * observes (headless Chromium has no dialog to show).
 */
@QuarkusTest
class RevokedKeyBrowserTest {
    @TestHTTPResource("/")
    URL base;

    @Test
    void aRefusedKeyShowsTheVisitorNoLoginDialog() throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            AtomicInteger dialogs = new AtomicInteger();
            ((HasAuthentication) chromium.driver()).register(uri -> true, () -> {
                dialogs.incrementAndGet();
                return new UsernameAndPassword("visitor", "guess");
            });
            chromium.driver().get(base + "tracker.js");
            JavascriptExecutor page = (JavascriptExecutor) chromium.driver();
            Object beacon = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/v1/events?writeKey=revoked', {method: 'POST', body: '{}'})"
                    + ".then(r => done(r.status), e => done(String(e)));");
            // RudderStack's browser SDK sends its key as HTTP Basic credentials.
            Object basic = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/v1/batch', {method: 'POST', headers: {'Authorization': 'Basic ' + btoa('revoked:'),"
                    + " 'Content-Type': 'application/json'}, body: JSON.stringify({batch: []})})"
                    + ".then(r => done(r.status), e => done(String(e)));");
            Object pixel = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const img = new Image(); img.onload = () => done('loaded'); img.onerror = () => done('broken');"
                    + "img.src = '/v1/p.gif?writeKey=revoked&anonymous_id=visitor-1';");

            assertThat(beacon).isEqualTo(401L);
            assertThat(basic).isEqualTo(401L);
            assertThat(pixel).isEqualTo("loaded"); // its 401 still carries the GIF: no broken image either
            assertThat(dialogs).hasValue(0);
        }
    }
}
