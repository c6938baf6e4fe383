package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentMapperTest {
    private final SegmentMapper mapper = new SegmentMapper();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void customEventNamesBecomeSnakeCase() {
        assertThat(SegmentMapper.snakeCase("Signed Up")).isEqualTo("signed_up");
        assertThat(SegmentMapper.snakeCase("videoPlayed")).isEqualTo("video_played");
        assertThat(SegmentMapper.snakeCase("  Added to wish-list! ")).isEqualTo("added_to_wish_list");
        assertThat(SegmentMapper.snakeCase("3D view")).isEqualTo("e_3d_view");
        assertThat(SegmentMapper.snakeCase("x".repeat(100))).hasSize(64);
    }

    @Test
    void messageIdsStayStableAcrossRetries() {
        assertThat(SegmentMapper.eventId("demo", "abc")).isEqualTo(SegmentMapper.eventId("demo", "abc"))
                .isNotEqualTo(SegmentMapper.eventId("other", "abc"));
        assertThat(SegmentMapper.eventId("demo", "0B7C6C86-3C1A-4A3E-9D7C-0F1F7B6D2A11"))
                .isEqualTo("0b7c6c86-3c1a-4a3e-9d7c-0f1f7b6d2a11");
    }

    @Test
    void ecommerceNamesMapToStandardTypesCaseInsensitively() throws Exception {
        var msg = json.readTree("{\"event\":\"checkout started\",\"anonymousId\":\"a\",\"properties\":{\"products\":[{\"sku\":\"s\"}]}}");
        var out = mapper.map(msg, "track", "demo", null, null);
        assertThat(out.get("event_type").asText()).isEqualTo("checkout_start");
        assertThat(out.at("/commerce/products/0/sku").asText()).isEqualTo("s");
        assertThat(out.has("properties")).isFalse();
    }

    @Test
    void unknownCallTypesAreUnmappable() throws Exception {
        var msg = json.readTree("{\"type\":\"teleport\",\"anonymousId\":\"a\"}");
        assertThatThrownBy(() -> mapper.map(msg, null, "demo", null, null))
                .isInstanceOf(SegmentMapper.UnmappableException.class).hasMessageContaining("teleport");
    }
}
