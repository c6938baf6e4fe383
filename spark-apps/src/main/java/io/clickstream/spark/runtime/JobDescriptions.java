package io.clickstream.spark.runtime;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.function.Supplier;

/**
 * Names the Spark jobs a piece of work runs (Spark UI, event logs), e.g. "gold: daily_active_users": a micro-batch of
 * the pipeline runs dozens of jobs, and without a name they all show as the streaming query.
 */
public final class JobDescriptions {
    private static final String DESCRIPTION = "spark.job.description";

    private JobDescriptions() {
    }

    public static void run(SparkSession spark, String description, Runnable work) {
        call(spark, description, () -> {
            work.run();
            return null;
        });
    }

    public static <T> T call(SparkSession spark, String description, Supplier<T> work) {
        SparkContext sc = spark.sparkContext();
        String previous = sc.getLocalProperty(DESCRIPTION);
        sc.setLocalProperty(DESCRIPTION, previous == null ? description : firstLine(previous) + ": " + description);
        try {
            return work.get();
        } finally {
            sc.setLocalProperty(DESCRIPTION, previous);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
