package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Silver's rate rule, with a limit of 3 events a minute, through the silver writer batch after batch as the stream calls
 * it: {@code bot} goes over the limit only with its second batch, {@code human} stays at it.
 */
class BotRateRuleTest {
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private final SparkSession spark = SparkTestSession.get();
    private final Map<String, Long> botsCounted = new HashMap<>();
    private final PipelineMetrics metrics = new PipelineMetrics() {
        @Override
        public void botEvents(String reason, long rows) {
            botsCounted.merge(reason, rows, Long::sum);
        }
    };
    private int ids;
    private long offset;

    @Test
    void aVisitorOverTheLimitInAMinuteIsABotFromThatMinuteToTheEndOfItsDay(@TempDir Path dir) {
        PipelineConfig config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_BOT_EVENTS_PER_MINUTE", "3"));
        SilverTables.ensure(spark, config);
        SilverBatchWriter writer = new SilverBatchWriter(config, metrics);

        writer.call(batch(config, "12:00:30", e("bot", "12:00:05"), e("bot", "12:00:10"), e("human", "12:00:05"),
                e("human", "12:00:20"), e("crawler", "12:00:01").userAgent(GOOGLEBOT),
                e("crawler", "12:00:02").userAgent(GOOGLEBOT), e("crawler", "12:00:03").userAgent(GOOGLEBOT),
                e("crawler", "12:00:04").userAgent(GOOGLEBOT), e("lagger", "11:55:10"), e("lagger", "11:55:20")), 0L);
        assertThat(bots(config)).as("nobody over the limit yet; the crawler is one by its agent first")
                .containsOnlyKeys("crawler 12:00:01", "crawler 12:00:02", "crawler 12:00:03", "crawler 12:00:04")
                .containsValue(SilverTransform.BOT_AGENT).doesNotContainValue(BotRateRule.REASON);

        // The bot's 4th and 5th event of the minute; the same anonymous id on another site is another visitor. The
        // lagger's clock runs five minutes behind (within the allowed lateness): its minute is counted all the same.
        var second = batch(config, "12:00:50", e("bot", "12:00:40"), e("bot", "12:00:45"), e("human", "12:00:50"),
                e("bot", "12:00:41").str("site_id", "blog"), e("bot", "12:00:42").str("site_id", "blog"),
                e("lagger", "11:55:30"), e("lagger", "11:55:40"));
        writer.call(second, 1L);
        assertThat(bots(config)).containsEntry("bot 12:00:40", BotRateRule.REASON)
                .containsEntry("bot 12:00:45", BotRateRule.REASON)
                .containsEntry("lagger 11:55:30", BotRateRule.REASON).containsEntry("lagger 11:55:40", BotRateRule.REASON)
                .doesNotContainKeys("bot 12:00:05", "bot 12:00:10", "human 12:00:50", "bot@blog 12:00:41");
        assertThat(botsCounted).containsEntry(BotRateRule.REASON, 4L).containsEntry(SilverTransform.BOT_AGENT, 4L);

        // The same batch again, as after a failure before the stream's commit: the human's events are not counted
        // twice (a 4th in the minute would make it a bot for the day).
        writer.call(second, 1L);

        // Half an hour later, one event each: the bot is still one, the human is not.
        writer.call(batch(config, "12:30:01", e("bot", "12:30:00"), e("human", "12:30:00")), 2L);
        assertThat(bots(config)).containsEntry("bot 12:30:00", BotRateRule.REASON).doesNotContainKey("human 12:30:00");

        // A restarted driver reads its flags back from silver.events; the next UTC day starts afresh.
        SilverBatchWriter restarted = new SilverBatchWriter(config, metrics);
        restarted.call(batch(config, "13:00:01", e("bot", "13:00:00"), e("human", "13:00:00")), 3L);
        assertThat(bots(config)).containsEntry("bot 13:00:00", BotRateRule.REASON).doesNotContainKey("human 13:00:00");
        restarted.call(batch(config, "2026-11-21T00:00:02Z", e("bot", "2026-11-21T00:00:01Z")), 4L);
        assertThat(bots(config)).doesNotContainKey("bot 00:00:01");

        // Over the limit again on the new day, then another restart: the new day's flag is the one read back.
        restarted.call(batch(config, "2026-11-21T00:01:05Z", e("bot", "2026-11-21T00:01:01Z"),
                e("bot", "2026-11-21T00:01:02Z"), e("bot", "2026-11-21T00:01:03Z"), e("bot", "2026-11-21T00:01:04Z")), 5L);
        new SilverBatchWriter(config, metrics).call(batch(config, "2026-11-21T00:30:01Z",
                e("bot", "2026-11-21T00:30:00Z")), 6L);
        assertThat(bots(config)).containsEntry("bot 00:01:04", BotRateRule.REASON)
                .containsEntry("bot 00:30:00", BotRateRule.REASON);

        assertThat(spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS)).count())
                .as("every clean row written, none twice").isEqualTo(27);
    }

    @Test
    void aBatchSpanningMinutesOfReceiptKeepsTheCountsItsRowsContinue(@TempDir Path dir) {
        PipelineConfig config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_BOT_EVENTS_PER_MINUTE", "3"));
        SilverTables.ensure(spark, config);
        SilverBatchWriter writer = new SilverBatchWriter(config, metrics);
        writer.call(batch(config, "12:02:30", e("bot", "12:02:01"), e("bot", "12:02:02"), e("bot", "12:02:03")), 0L);
        // Silver catching up: the next batch holds three minutes of receipts; the bot's 4th event of 12:02 came first.
        KafkaRows rows = new KafkaRows(offset)
                .add("k", e("bot", "12:02:35").str("received_at", "2026-11-20T12:02:40Z").json(), "2026-11-20T12:02:40Z")
                .add("k", e("human", "12:05:29").str("received_at", "2026-11-20T12:05:30Z").json(), "2026-11-20T12:05:30Z");
        writer.call(SilverTransform.check(rows.toBronze(spark), config), 1L);
        assertThat(bots(config)).containsEntry("bot 12:02:35", BotRateRule.REASON).doesNotContainKey("human 12:05:29");
    }

    @Test
    void productLinesOfABotByRateAreFlaggedToo(@TempDir Path dir) {
        PipelineConfig config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_BOT_EVENTS_PER_MINUTE", "1"));
        SilverTables.ensure(spark, config);
        new SilverBatchWriter(config, metrics).call(batch(config, "12:00:30",
                e("bot", "12:00:05").str("event_type", "product_view").product("sku-1", "shoes", "10.00", 1),
                e("bot", "12:00:06").str("event_type", "product_view").product("sku-2", "shoes", "10.00", 1),
                e("human", "12:00:06").str("event_type", "product_view").product("sku-1", "shoes", "10.00", 1)), 0L);

        Map<String, Boolean> flagged = new TreeMap<>();
        spark.read().format("delta").load(SilverTables.path(config, SilverTables.PRODUCT_EVENTS))
                .select("anonymous_id", "sku", "is_bot").collectAsList()
                .forEach(r -> flagged.put(r.getString(0) + " " + r.getString(1), r.getBoolean(2)));
        assertThat(flagged).containsExactlyEntriesOf(
                new TreeMap<>(Map.of("bot sku-1", true, "bot sku-2", true, "human sku-1", false)));
    }

    /** An event of {@code visitor} on the shop at {@code time} (a time of 2026-11-20, or an instant). */
    private EventJson e(String visitor, String time) {
        String at = time.length() == 8 ? "2026-11-20T" + time + "Z" : time;
        return EventJson.event(String.format("00000000-0000-0000-0000-%012d", ++ids), "page_view", visitor, at);
    }

    /** Checked rows of one micro-batch, all received at {@code received}. */
    private org.apache.spark.sql.Dataset<Row> batch(PipelineConfig config, String received, EventJson... events) {
        String at = received.length() == 8 ? "2026-11-20T" + received + "Z" : received;
        KafkaRows rows = new KafkaRows(offset);
        for (EventJson e : events) {
            rows.add("k", e.str("received_at", at).json(), at);
            offset++;
        }
        return SilverTransform.check(rows.toBronze(spark), config);
    }

    /** The bots in silver.events: "visitor[@site other than the shop] hh:mm:ss" → reason. */
    private Map<String, String> bots(PipelineConfig config) {
        Map<String, String> bots = new TreeMap<>();
        spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .where("is_bot").selectExpr("anonymous_id", "site_id", "date_format(event_time, 'HH:mm:ss')", "bot_reason")
                .collectAsList()
                .forEach(r -> bots.put(r.getString(0) + (r.getString(1).equals("shop") ? "" : "@" + r.getString(1)) + " "
                        + r.getString(2), r.getString(3)));
        return bots;
    }
}
