package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.gateway.validation.EventJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-pass reader of /v1/events gives what reading the tree and splitting it gave: events, refusals, raw text. */
class BodyReaderTest {
    private static final int MAX_EVENT = 200;
    private final ObjectMapper json = EventJson.create(12, 512_000);

    @Test
    void bothReadersRefuseContentAfterTheFirstValue() {
        for (String body : List.of("{\"a\":1}\n{\"b\":2}\n", "[{\"a\":1}] [{\"b\":2}]", "{\"a\":1} 2")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(BodyReader.read(json, bytes)).as(body).isInstanceOf(BodyReader.Refused.class);
            assertThat(BodyReader.readEvents(json, bytes, MAX_EVENT).rejection()).as(body).isNotNull()
                    .satisfies(r -> assertThat(r.message()).contains("content after the first value"));
        }
        assertThat(BodyReader.readEvents(json, "[{\"a\":1}] ]".getBytes(StandardCharsets.UTF_8), MAX_EVENT).rejection()).isNotNull();
        assertThat(BodyReader.read(json, "{\"a\":1} \n\t".getBytes(StandardCharsets.UTF_8))).isInstanceOf(BodyReader.Tree.class);
    }

    @Test
    void readsLikeTheTreeReaderForAllKindsOfBodies() {
        String event = "{\"event_type\":\"page_view\",\"anonymous_id\":\"a1\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}";
        List<String> bodies = new ArrayList<>(List.of(
                event,
                "  " + event + "\n",
                "[" + event + "," + event + "]",
                "[ " + event + " ,\n\t" + event.replace("a1", "a2") + " ] ",
                "[]",
                "[1, \"x\", null, true, 1e6, -0, 1.50, [1,[2]], {}]",
                "{\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\/ \\n \\\"q\\\"\",\"n\":1E-7,\"big\":123456789012345678901234567890}",
                "{\"a\":\"caf\u00e9 \uD83D\uDE00\"}",
                "\"just a string\"",
                "42",
                "null",
                "{\"a\":1} trailing garbage",
                "[{\"a\":1}] ]",
                "{\"a\":1,\"a\":2}",
                "   ",
                "",
                "{\"event_type\": \"broken",
                "[{\"a\":1},",
                "[{\"a\":1} {\"b\":2}]",
                "{\"properties\":{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}}",
                "{\"x\":\"" + "y".repeat(MAX_EVENT) + "\"}",
                "[{\"x\":\"" + "y".repeat(MAX_EVENT / 5) + "\"},{\"x\":\"" + "y".repeat(MAX_EVENT - 10) + "\"}]",
                "{\"x\":\"" + " ".repeat(10) + "\"" + " ".repeat(MAX_EVENT) + "}",
                "[" + "1e6,".repeat(30) + "1e6]",
                "{\"x\":\"" + "\u00e9".repeat(MAX_EVENT / 2) + "\"}"));
        for (String body : bodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            BodyReader.Read read = BodyReader.read(json, bytes);
            BodyReader.Events events = BodyReader.readEvents(json, bytes, MAX_EVENT);
            if (read instanceof BodyReader.Refused refused) {
                assertThat(events.rejection()).as(body).isEqualTo(refused.rejection());
                assertThat(events.events()).as(body).isEmpty();
                continue;
            }
            assertThat(events.rejection()).as(body).isNull();
            List<RawEvent> expected = BodyReader.events(((BodyReader.Tree) read).node(), MAX_EVENT);
            List<RawEvent> actual = events.events();
            assertThat(actual).as(body).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                RawEvent e = expected.get(i);
                RawEvent a = actual.get(i);
                assertThat(a.index()).as(body).isEqualTo(e.index());
                assertThat(a.node()).as(body).isEqualTo(e.node());
                assertThat(a.rejection()).as(body).isEqualTo(e.rejection());
                // The raw text is what the untouched value serialized to, even after the node was changed.
                if (a.node() instanceof ObjectNode object) {
                    object.put("site_id", "changed");
                }
                assertThat(a.raw()).as(body).isEqualTo(e.raw());
            }
        }
    }

    @Test
    void aBodyWithMoreEventsThanARequestMayHoldIsRefusedBeforeItIsReadToTheEnd() {
        byte[] bytes = "[{\"a\":1},{\"a\":2},{\"a\":3}]".getBytes(StandardCharsets.UTF_8);
        BodyReader.Events events = BodyReader.readEvents(json, bytes, MAX_EVENT, 2);
        assertThat(events.events()).isEmpty();
        assertThat(events.rejection().reason()).isEqualTo(io.clickstream.gateway.validation.RejectReason.TOO_MANY_EVENTS);
        assertThat(events.rejection().message()).startsWith("more than 2 events");
        assertThat(BodyReader.readEvents(json, bytes, MAX_EVENT, 3).events()).hasSize(3);
    }
}
