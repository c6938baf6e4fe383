package io.clickstream.spark.silver;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Currency;
import java.util.Locale;

import static org.apache.spark.sql.functions.udf;

/** The silver layer's user-defined functions: plain Java behind a Spark face. */
public final class SilverUdfs {
    static final StructType URL_TYPE = new StructType()
            .add("domain", DataTypes.StringType).add("path", DataTypes.StringType).add("query", DataTypes.StringType)
            .add("utm_source", DataTypes.StringType).add("utm_medium", DataTypes.StringType)
            .add("utm_campaign", DataTypes.StringType).add("utm_term", DataTypes.StringType)
            .add("utm_content", DataTypes.StringType);
    static final StructType AGENT_TYPE = new StructType()
            .add("browser", DataTypes.StringType).add("browser_version", DataTypes.StringType)
            .add("os", DataTypes.StringType).add("os_version", DataTypes.StringType)
            .add("device", DataTypes.StringType).add("device_type", DataTypes.StringType)
            .add("is_bot", DataTypes.BooleanType);
    static final StructType SOURCE_TYPE = new StructType()
            .add("source", DataTypes.StringType).add("medium", DataTypes.StringType);

    public static final UserDefinedFunction VALID_URL = udf(
            (UDF1<String, Boolean>) UrlParts::isValid, DataTypes.BooleanType).asNonNullable();

    public static final UserDefinedFunction VALID_REFERRER = udf(
            (UDF1<String, Boolean>) TrafficSource::isValidReferrer, DataTypes.BooleanType).asNonNullable();

    public static final UserDefinedFunction VALID_CURRENCY = udf(
            (UDF1<String, Boolean>) SilverUdfs::isIsoCurrency, DataTypes.BooleanType).asNonNullable();

    public static final UserDefinedFunction URL_PARTS = udf((UDF1<String, Row>) url -> {
        UrlParts p = UrlParts.parse(url);
        return p == null ? null : RowFactory.create(p.domain(), p.path(), p.query(), p.utmSource(), p.utmMedium(),
                p.utmCampaign(), p.utmTerm(), p.utmContent());
    }, URL_TYPE);

    public static final UserDefinedFunction USER_AGENT = udf((UDF1<String, Row>) ua -> {
        UserAgents.Agent a = UserAgents.parse(ua);
        return RowFactory.create(a.browser(), a.browserVersion(), a.os(), a.osVersion(), a.device(), a.deviceType(),
                a.bot());
    }, AGENT_TYPE);

    public static final UserDefinedFunction TRAFFIC_SOURCE = udf((UDF2<String, String, Row>) (url, referrer) -> {
        TrafficSource s = TrafficSource.classify(UrlParts.parse(url), referrer);
        return RowFactory.create(s.source(), s.medium());
    }, SOURCE_TYPE);

    private SilverUdfs() {
    }

    /** An ISO 4217 currency; not XXX ("no currency") nor XTS (reserved for tests), which no price is in. */
    public static boolean isIsoCurrency(String code) {
        if (code == null || code.length() != 3 || code.equalsIgnoreCase("XXX") || code.equalsIgnoreCase("XTS")) {
            return false;
        }
        try {
            Currency.getInstance(code.toUpperCase(Locale.ROOT));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
