package io.clickstream.gateway.publishing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.contract.ClickEvent;
import io.clickstream.contract.DeadLetter;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.validation.ValidEvent;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Publishes accepted events and dead letters through SmallRye Reactive Messaging's Kafka connector. Each returned
 * {@link Uni} completes only when Kafka has acknowledged the record (acks=all), or fails.
 * <p>
 * Dead letters go through an emitter. Events, the hot path, go straight to the producer the connector created for
 * the {@code events} channel (same configuration, lifecycle and shutdown flush): the emitter's per-message
 * pipeline cost about a third of the CPU of a beacon. The number of sends waiting for Kafka is bounded; past the
 * bound a request fails at once with 503 instead of queueing without limit.
 */
@ApplicationScoped
public class EventPublisher {

    /** Bounded: when this many records wait for Kafka, new sends fail at once and the request gets a 503. */
    static final int MAX_IN_FLIGHT = 20_000;
    static final long EMITTER_BUFFER = MAX_IN_FLIGHT;

    /** Declares the channel, so the connector creates (and on shutdown flushes and closes) its producer. */
    @Inject
    @Channel("events")
    MutinyEmitter<byte[]> eventsChannel;

    @Inject
    @Channel("dead-letters")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
    MutinyEmitter<byte[]> deadLetters;

    @Inject
    @Named("events")
    ObjectMapper json;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GatewayConfig config;

    @Inject
    KafkaClientService clients;

    private volatile io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> producer;

    /** All events of one request; completes when every one is acknowledged. */
    public Uni<Void> publish(List<ValidEvent> accepted) {
        if (accepted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (accepted.size() == 1) {
            return publish(accepted.get(0));
        }
        return Uni.join().all(accepted.stream().map(this::publish).toList()).andCollectFailures().replaceWithVoid();
    }

    public Uni<Void> publish(ValidEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_SITE_ID, bytes(event.siteId()));
        headers.add(Topics.HEADER_SCHEMA_VERSION, bytes(ClickEvent.SCHEMA_VERSION));
        headers.add(Topics.HEADER_RECEIVED_AT, bytes(event.json().get("received_at").asText()));
        // One visitor's events stay ordered on one partition.
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.kafka().eventsTopic(), null,
                event.anonymousId(), serialize(event.json()), headers);
        return Uni.createFrom().deferred(() -> {
            if (metrics.inFlight().incrementAndGet() > MAX_IN_FLIGHT) {
                metrics.inFlight().decrementAndGet();
                return Uni.createFrom().failure(new IllegalStateException("too many sends waiting for Kafka"));
            }
            Timer.Sample sample = Timer.start();
            return eventsProducer().send(record)
                    .onTermination().invoke(() -> {
                        metrics.inFlight().decrementAndGet();
                        sample.stop(metrics.publishTimer());
                    }).replaceWithVoid();
        });
    }

    private io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> eventsProducer() {
        io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = producer = clients.getProducer("events");
        }
        return p;
    }

    public Uni<Void> deadLetter(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        if (letter.siteId() != null) {
            headers.add(Topics.HEADER_SITE_ID, bytes(letter.siteId()));
        }
        headers.add(Topics.HEADER_REASON, bytes(letter.reason()));
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(config.kafka().deadLettersTopic())
                .withKey(letter.siteId())
                .withHeaders(headers)
                .build();
        return send(deadLetters, serialize(letter), meta);
    }

    private Uni<Void> send(MutinyEmitter<byte[]> emitter, byte[] payload, OutgoingKafkaRecordMetadata<String> meta) {
        return Uni.createFrom().deferred(() -> {
            metrics.inFlight().incrementAndGet();
            Timer.Sample sample = Timer.start();
            return emitter.sendMessage(Message.of(payload).addMetadata(meta))
                    .onTermination().invoke(() -> {
                        metrics.inFlight().decrementAndGet();
                        sample.stop(metrics.publishTimer());
                    });
        });
    }

    private byte[] serialize(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
