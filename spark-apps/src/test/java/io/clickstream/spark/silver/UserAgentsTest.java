package io.clickstream.spark.silver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserAgentsTest {

    @Test
    void desktopBrowser() {
        UserAgents.Agent a = UserAgents.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/120.0.6099.110 Safari/537.36");
        assertThat(a.browser()).isEqualTo("Chrome");
        assertThat(a.browserVersion()).isEqualTo("120.0");
        assertThat(a.os()).isEqualTo("Windows");
        assertThat(a.deviceType()).isEqualTo("desktop");
        assertThat(a.bot()).isFalse();
    }

    @Test
    void phoneAndTablet() {
        UserAgents.Agent phone = UserAgents.parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1");
        assertThat(phone.os()).isEqualTo("iOS");
        assertThat(phone.device()).isEqualTo("iPhone");
        assertThat(phone.deviceType()).isEqualTo("mobile");

        UserAgents.Agent tablet = UserAgents.parse("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1");
        assertThat(tablet.deviceType()).isEqualTo("tablet");

        // an Android app's own agent, as Segment's and RudderStack's Android SDKs send it
        UserAgents.Agent app = UserAgents.parse("Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/UQ1A.240205.004)");
        assertThat(app.os()).isEqualTo("Android");
        assertThat(app.deviceType()).isEqualTo("mobile");
        assertThat(app.bot()).isFalse();
    }

    @Test
    void knownBotsAndScripts() {
        assertThat(UserAgents.parse("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").bot()).isTrue();
        assertThat(UserAgents.parse("curl/8.4.0").bot()).isTrue();
        assertThat(UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "HeadlessChrome/119.0.0.0 Safari/537.36").deviceType()).isEqualTo("bot");
        assertThat(UserAgents.parse("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)").bot()).isTrue();
        assertThat(UserAgents.parse("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)").bot()).isTrue();
        assertThat(UserAgents.parse(null).bot()).isFalse();
        // a phone whose brand ends in "bot"
        UserAgents.Agent cubot = UserAgents.parse("Mozilla/5.0 (Linux; Android 11; CUBOT X50) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/108.0.0.0 Mobile Safari/537.36");
        assertThat(cubot.bot()).isFalse();
        assertThat(cubot.deviceType()).isEqualTo("mobile");
    }

    @Test
    void aParsedAgentIsKeptUntilTheCacheIsFullOfNewerOnes() {
        String ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                + "Version/17.1 Safari/605.1.15 cache-probe";
        UserAgents.Agent first = UserAgents.parse(ua);
        assertThat(UserAgents.parse(ua)).isSameAs(first);
        for (int i = 0; i < UserAgents.CACHE_SIZE; i++) {
            UserAgents.parse("probe-agent/" + i);
        }
        UserAgents.Agent again = UserAgents.parse(ua);
        assertThat(again).as("evicted, parsed again").isNotSameAs(first).isEqualTo(first);
    }
}
