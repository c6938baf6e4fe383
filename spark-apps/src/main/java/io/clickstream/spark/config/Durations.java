package io.clickstream.spark.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations the way people write them in Spark: {@code 30 minutes}, {@code 2s}, {@code 1 hour}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([a-z]+)");

    private Durations() {
    }

    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration like '30 minutes' or '2s', got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(n);
            case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(n);
            case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(n);
            case "h", "hour", "hours" -> Duration.ofHours(n);
            case "d", "day", "days" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unknown time unit '" + m.group(2) + "' in '" + text + "'");
        };
    }

    /** The form Spark's interval parser accepts, e.g. for {@code window()} and {@code withWatermark()}. */
    public static String toSpark(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " seconds" : d.toMillis() + " milliseconds";
    }
}
