package io.clickstream.spark.gold;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/** The {@code gold.sessions} row of a {@link Session}. */
public final class SessionRows {
    public static final StructType SCHEMA = new StructType()
            .add("session_key", DataTypes.StringType, false)
            .add("site_id", DataTypes.StringType)
            .add("anonymous_id", DataTypes.StringType)
            .add("user_id", DataTypes.StringType)
            .add("session_start", DataTypes.TimestampType)
            .add("session_end", DataTypes.TimestampType)
            .add("duration_seconds", DataTypes.LongType)
            .add("events", DataTypes.LongType)
            .add("page_views", DataTypes.LongType)
            .add("unique_pages", DataTypes.LongType)
            .add("landing_page", DataTypes.StringType)
            .add("exit_page", DataTypes.StringType)
            .add("product_views", DataTypes.LongType)
            .add("add_to_carts", DataTypes.LongType)
            .add("checkouts", DataTypes.LongType)
            .add("purchases", DataTypes.LongType)
            .add("revenue", DataTypes.createDecimalType(18, 2))
            .add("products_viewed", DataTypes.createArrayType(DataTypes.StringType))
            .add("categories_viewed", DataTypes.createArrayType(DataTypes.StringType))
            .add("funnel_step", DataTypes.IntegerType)
            .add("is_bounce", DataTypes.BooleanType)
            .add("is_converted", DataTypes.BooleanType)
            .add("is_live", DataTypes.BooleanType)
            .add("window_start", DataTypes.TimestampType);

    private SessionRows() {
    }

    /** {@code windowMs}: the funnel window the session is counted in, by its start. */
    public static Row toRow(String siteId, String anonymousId, Session s, long windowMs) {
        return RowFactory.create(s.key, siteId, anonymousId, s.userId, new Timestamp(s.startMs), new Timestamp(s.endMs),
                s.durationSeconds(), s.events, s.pageViews, (long) s.pages.size(), s.landingPage, s.exitPage,
                s.productViews, s.addToCarts, s.checkouts, s.purchases, s.revenue.setScale(2, RoundingMode.HALF_UP),
                toArray(s.products), toArray(s.categories), s.funnelStep, s.isBounce(), s.isConverted(), s.live,
                new Timestamp(Math.floorDiv(s.startMs, windowMs) * windowMs));
    }

    private static Object toArray(java.util.Collection<String> values) {
        return new ArrayList<>(values).toArray(new String[0]);
    }

    static List<String> strings(Row row, int i) {
        return row.isNullAt(i) ? List.of() : row.getList(i);
    }
}
