package io.clickstream.spark.testing;

import io.clickstream.contract.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Creates topics and produces events the way the gateway does: keyed by visitor, with the gateway's headers. */
public final class TestKafka {
    private TestKafka() {
    }

    public static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    public static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    public static ProducerRecord<String, String> record(String topic, String anonymousId, String json, Instant receivedAt) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, receivedAt.toEpochMilli(), anonymousId, json);
        r.headers().add(Topics.HEADER_SITE_ID, "shop".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_SCHEMA_VERSION, "1".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_RECEIVED_AT, receivedAt.toString().getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
