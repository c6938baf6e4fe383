package io.clickstream.spark.it;

import io.clickstream.localkafka.KafkaBroker;
import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.testing.EventMix;
import io.clickstream.spark.testing.SparkTestSession;
import io.clickstream.spark.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bronze down for longer than the topic's retention: the records it had not read are gone from Kafka. It stops rather
 * than skip them unnoticed, and with {@code kafka.fail.on.data.loss=false} (one start, to recover) it goes on from
 * the oldest record Kafka still has, without a new checkpoint, so nothing it holds is read twice.
 */
class LostKafkaRecordsTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void recordsGoneFromKafkaStopBronzeUntilItIsToldToSkipThem(@TempDir Path dir) throws Exception {
        try (KafkaBroker kafka = KafkaBroker.builder().dataDir(dir.resolve("kafka")).start()) {
            PipelineConfig config = SparkTestSession.config(dir).withKafka(kafka.bootstrapServers());
            TestKafka.createTopic(kafka.bootstrapServers(), config.eventsTopic(), 1);
            List<EventMix.Event> events = EventMix.generate(10, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
            send(kafka, config, events.subList(0, 5));
            runBronze(config);
            assertThat(bronzeOffsets(config)).containsExactly(0L, 1L, 2L, 3L, 4L);

            send(kafka, config, events.subList(5, 10));
            // Retention passes while bronze is down: the log now starts at offset 8.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.deleteRecords(Map.of(new TopicPartition(config.eventsTopic(), 0), RecordsToDelete.beforeOffset(8)))
                        .all().get();
            }
            assertThatThrownBy(() -> runBronze(config)).isInstanceOf(StreamingQueryException.class)
                    .hasMessageContaining("lost");
            assertThat(bronzeOffsets(config)).containsExactly(0L, 1L, 2L, 3L, 4L);

            PipelineConfig skipping = SparkTestSession.config(dir, Map.of("CLICKSTREAM_KAFKA_FAIL_ON_DATA_LOSS", "false"))
                    .withKafka(kafka.bootstrapServers());
            runBronze(skipping);
            assertThat(bronzeOffsets(config)).containsExactly(0L, 1L, 2L, 3L, 4L, 8L, 9L);
        }
    }

    private static void send(KafkaBroker kafka, PipelineConfig config, List<EventMix.Event> events) {
        try (KafkaProducer<String, String> producer = TestKafka.producer(kafka.bootstrapServers())) {
            events.forEach(e -> producer.send(TestKafka.record(config.eventsTopic(), e.anonymousId(), e.json(), e.receivedAt())));
            producer.flush();
        }
    }

    private void runBronze(PipelineConfig config) throws Exception {
        StreamingQuery bronze = BronzeStream.start(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow());
        bronze.awaitTermination();
    }

    private List<Long> bronzeOffsets(PipelineConfig config) {
        return spark.read().format("delta").load(BronzeTable.path(config)).select("offset").orderBy("offset")
                .collectAsList().stream().map(r -> r.getLong(0)).toList();
    }
}
