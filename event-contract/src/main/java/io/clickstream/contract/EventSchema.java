package io.clickstream.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Where the JSON Schema of {@link ClickEvent} lives, for validators (gateway) and schema readers (Spark jobs). */
public final class EventSchema {
    public static final String RESOURCE = "clickstream/event.schema.json";

    private EventSchema() {
    }

    public static InputStream open() {
        InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("event schema missing from classpath: " + RESOURCE);
        }
        return in;
    }

    public static String text() {
        try (InputStream in = open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
