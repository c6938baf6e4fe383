package io.clickstream.gateway.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IntegerFieldsTest {
    private final IntegerFields fields = IntegerFields.ofContract();

    @Test
    void theContractsIntegerFieldsAreReadFromItsSchema() {
        assertThat(fields.paths()).containsExactlyInAnyOrder(
                List.of("context", "screen", "width"), List.of("context", "screen", "height"),
                List.of("commerce", "products", "*", "quantity"));
    }

    @Test
    void integralFloatsBecomeIntegersAndNothingElseChanges() throws Exception {
        ObjectNode event = (ObjectNode) new ObjectMapper().readTree("""
                {"context":{"screen":{"width":1440.0,"height":900}},"properties":{"ratio":2.0},
                 "commerce":{"revenue":5.0,"products":[{"quantity":3.0},{"quantity":4},{"quantity":null},{}]}}""");
        fields.normalize(event);
        assertThat(event.toString()).isEqualTo("{\"context\":{\"screen\":{\"width\":1440,\"height\":900}},\"properties\":{\"ratio\":2.0},"
                + "\"commerce\":{\"revenue\":5.0,\"products\":[{\"quantity\":3},{\"quantity\":4},{\"quantity\":null},{}]}}");
    }
}
