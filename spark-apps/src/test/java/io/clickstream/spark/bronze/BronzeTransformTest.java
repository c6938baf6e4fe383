package io.clickstream.spark.bronze;

import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BronzeTransformTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void keepsTheValueVerbatimParsesItAndFlagsWhatDoesNotParse() {
        String good = EventJson.event("00000000-0000-0000-0000-000000000001", "purchase", "anon-1", "2026-11-20T23:59:30Z")
                .product("sku-1", "shoes", "19.99", 2).order("o-1", "39.98", "EUR").json();
        List<Row> rows = new KafkaRows()
                .add("anon-1", good, "2026-11-21T00:00:01Z")
                .add("anon-2", "{not json", "2026-11-21T00:00:02Z")
                .add("anon-3", "{\"event_type\": 42, \"occurred_at\": \"yesterday\"}", "2026-11-21T00:00:03Z")
                .toBronze(spark)
                .orderBy("offset")
                .collectAsList();

        Row ok = rows.get(0);
        assertThat(ok.<String>getAs("raw_value")).isEqualTo(good);
        assertThat(ok.<String>getAs("kafka_key")).isEqualTo("anon-1");
        assertThat(ok.<String>getAs("header_site_id")).isEqualTo("shop");
        assertThat(ok.<Long>getAs("offset")).isZero();
        assertThat(ok.<Boolean>getAs("parse_failed")).isFalse();
        assertThat(ok.<String>getAs("event_type")).isEqualTo("purchase");
        // partitioned by the event's date, not the Kafka timestamp's (which is already the next day)
        assertThat(ok.<Date>getAs("event_date")).isEqualTo(Date.valueOf("2026-11-20"));
        Row commerce = ok.getAs("commerce");
        assertThat(commerce.<BigDecimal>getAs("revenue")).isEqualByComparingTo("39.98");
        Row product = commerce.<scala.collection.Seq<Row>>getAs("products").apply(0);
        assertThat(product.<Long>getAs("quantity")).isEqualTo(2L);

        Row malformed = rows.get(1);
        assertThat(malformed.<Boolean>getAs("parse_failed")).isTrue();
        assertThat(malformed.<String>getAs("raw_value")).isEqualTo("{not json");
        assertThat(malformed.<Date>getAs("event_date")).isEqualTo(Date.valueOf("2026-11-21"));

        Row wrongTypes = rows.get(2);
        assertThat(wrongTypes.<Boolean>getAs("parse_failed")).isTrue();
    }
}
