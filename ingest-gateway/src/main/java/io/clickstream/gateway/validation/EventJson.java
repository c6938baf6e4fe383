package io.clickstream.gateway.validation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.clickstream.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The mapper for event payloads. Its parser enforces the nesting-depth and string-length limits while reading,
 * so a hostile body is refused before it is ever held in memory as a deep tree.
 */
@ApplicationScoped
public class EventJson {

    @Produces
    @Named("events")
    @Singleton // no client proxy in front of every call on the hot path
    ObjectMapper eventMapper(GatewayConfig config) {
        return create(config.limits().maxNestingDepth(), config.limits().maxBodyBytes());
    }

    public static ObjectMapper create(int maxNestingDepth, int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }
}
