package io.clickstream.gateway.publishing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.clickstream.contract.ClickEvent;
import io.clickstream.contract.DeadLetter;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.validation.ValidEvent;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes accepted events and dead letters through SmallRye Reactive Messaging's Kafka connector; every record
 * is counted in the request's {@link Acks}, which completes only when Kafka has acknowledged it (acks=all).
 * <p>
 * Dead letters go through an emitter. Events, the hot path, go straight to the Kafka producer the connector created
 * for the {@code events} channel (same configuration, lifecycle and shutdown flush), with a plain producer callback:
 * the emitter's per-message pipeline, and even the connector's {@code Uni}-returning send (a hop to its sending
 * thread, context propagation and a Mutiny pipeline per record), cost more CPU than validating the event. The
 * number of sends waiting for Kafka is bounded; past the bound a request fails at once with 503 instead of
 * queueing without limit.
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    /**
     * Bounded: when this many records (or {@code clickstream.kafka.max-in-flight-bytes} of them) wait for Kafka, new
     * sends fail at once and the request gets a 503.
     */
    static final int MAX_IN_FLIGHT = 20_000;
    static final long EMITTER_BUFFER = MAX_IN_FLIGHT;
    private static final byte[] SCHEMA_VERSION_BYTES = ClickEvent.SCHEMA_VERSION.getBytes(StandardCharsets.UTF_8);
    /** Well below metadata.max.idle.ms (5 min): a topic the producer sent to this recently still has its metadata. */
    private static final long INLINE_AFTER_ACK_NANOS = TimeUnit.SECONDS.toNanos(30);

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

    private ObjectWriter writer;
    private volatile io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> producer;
    /** Payload bytes handed to the events producer and not yet acknowledged or failed. */
    private final AtomicLong inFlightBytes = new AtomicLong();
    /** When Kafka last acknowledged an event: while recent, the producer has the topic's metadata at hand. */
    private volatile long lastAckNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile long inlineBytesLimit = -1;

    @PostConstruct
    void init() {
        writer = json.writer();
    }

    /**
     * Sends all events of one request; each one is {@link Acks#expect() expected} by {@code acks} and acknowledged
     * or failed from the producer's callback (on the producer's I/O thread).
     * <p>
     * While Kafka acknowledges and the producer's buffer has room, {@code send} does not block (the topic's metadata
     * is known, the buffer is not full) and runs right here, on the event loop: no hop and no Mutiny pipeline per
     * record. Otherwise (at start-up, after Kafka has been quiet for a while, or with the buffer half full) the
     * send goes to the connector's sending thread, where blocking for up to {@code max.block.ms} harms no one.
     * Once one of the request's events went there, the rest follow it, so that none overtakes it.
     */
    public void publish(List<ValidEvent> accepted, Acks acks) {
        String topic = config.kafka().eventsTopic();
        boolean inline = true;
        for (int i = 0, n = accepted.size(); i < n && !acks.isDone(); i++) {
            // Once the request has its 503, its other events would only take Kafka's room from requests still going.
            inline = publish(topic, accepted.get(i), acks, inline);
        }
    }

    /** Whether the request's next event may still be sent inline. */
    private boolean publish(String topic, ValidEvent event, Acks acks, boolean inline) {
        byte[] value = serialize(event.json());
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_SITE_ID, bytes(event.siteId()));
        headers.add(Topics.HEADER_SCHEMA_VERSION, SCHEMA_VERSION_BYTES.clone());
        headers.add(Topics.HEADER_RECEIVED_AT, bytes(event.receivedAtText()));
        // One visitor's events stay ordered on one partition.
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, event.anonymousId(), value, headers);
        acks.expect();
        if (metrics.inFlight().incrementAndGet() > MAX_IN_FLIGHT) {
            metrics.inFlight().decrementAndGet();
            acks.failed(new IllegalStateException("too many sends waiting for Kafka"));
            return inline;
        }
        long bytes = inFlightBytes.addAndGet(value.length);
        if (bytes > config.kafka().maxInFlightBytes()) {
            inFlightBytes.addAndGet(-value.length);
            metrics.inFlight().decrementAndGet();
            acks.failed(new IllegalStateException("too many bytes waiting for Kafka"));
            return inline;
        }
        long now = System.nanoTime();
        EventCallback callback = new EventCallback(acks, value.length, now);
        io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> p = eventsProducer();
        if (inline && bytes <= inlineBytesLimit(p) && now - lastAckNanos < INLINE_AFTER_ACK_NANOS) {
            send(p.unwrap(), record, callback);
            return true;
        }
        p.runOnSendingThread((Consumer<Producer<String, byte[]>>) producer -> send(producer, record, callback))
                .subscribe().with(ignored -> { }, callback::failedBeforeSend);
        return false;
    }

    private static void send(Producer<String, byte[]> producer, ProducerRecord<String, byte[]> record, EventCallback callback) {
        if (producer == null) {
            callback.failedBeforeSend(new IllegalStateException("the Kafka producer is not available"));
            return;
        }
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            // Kafka reports its own errors through the callback; what is thrown (closed producer, interrupt) is not.
            callback.failedBeforeSend(e);
        }
    }

    private long inlineBytesLimit(io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> p) {
        long limit = inlineBytesLimit;
        if (limit < 0) {
            Object configured = p.configuration().get(ProducerConfig.BUFFER_MEMORY_CONFIG);
            long buffer = configured == null ? 32L * 1024 * 1024 : Long.parseLong(configured.toString());
            limit = inlineBytesLimit = buffer / 2;
        }
        return limit;
    }

    /** Per record: the request's acks, the in-flight accounting and the publish latency. */
    private final class EventCallback implements Callback {
        private final Acks acks;
        private final int bytes;
        private final long startNanos;
        private boolean released;

        EventCallback(Acks acks, int bytes, long startNanos) {
            this.acks = acks;
            this.bytes = bytes;
            this.startNanos = startNanos;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            long now = System.nanoTime();
            if (!release()) {
                return;
            }
            metrics.publishTimer().record(now - startNanos, TimeUnit.NANOSECONDS);
            if (exception == null) {
                lastAckNanos = now;
                acks.acked();
            } else {
                LOG.debugf("Kafka did not take an event: %s", exception.toString());
                acks.failed(exception);
            }
        }

        void failedBeforeSend(Throwable failure) {
            if (release()) {
                acks.failed(failure);
            }
        }

        private synchronized boolean release() {
            if (released) {
                return false;
            }
            released = true;
            metrics.inFlight().decrementAndGet();
            inFlightBytes.addAndGet(-bytes);
            return true;
        }
    }

    private io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> eventsProducer() {
        io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = producer = clients.getProducer("events");
        }
        return p;
    }

    /** A dead letter, counted in {@code acks} like an event; {@code onAck} runs once Kafka has it. */
    public void deadLetter(DeadLetter letter, Acks acks, Runnable onAck) {
        acks.expect();
        Uni<Void> send;
        try {
            send = deadLetter(letter);
        } catch (RuntimeException e) {
            acks.failed(e);
            return;
        }
        send.subscribe().with(ignored -> {
            onAck.run();
            acks.acked();
        }, acks::failed);
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
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
