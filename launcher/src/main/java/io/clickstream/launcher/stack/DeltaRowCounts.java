package io.clickstream.launcher.stack;

import io.delta.kernel.Scan;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Row counts of the local Delta tables without starting Spark: Delta Kernel replays each table's log to its live
 * files, and each file's Parquet footer holds its row count (less the rows a deletion vector marks deleted). A
 * snapshot is consistent, so counts are exact while the pipeline keeps committing. Seconds, where a Spark session
 * takes half a minute on a small machine already busy running the stack.
 */
public final class DeltaRowCounts {
    private final Configuration hadoop = new Configuration();
    private final Engine engine = DefaultEngine.create(hadoop);

    /**
     * What {@link #all} found: {@code layer.table} → rows, and the tables that could not be read → why (a table the
     * pipeline is creating has a log folder but no commit yet), both in name order.
     */
    public record Counts(Map<String, Long> rows, Map<String, String> unreadable) {
    }

    /** Each {@code warehouse/layer/table} holding a Delta log; one table that cannot be read does not hide the others. */
    public Counts all(Path warehouse) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (Path table : tables(warehouse)) {
            String name = table.getParent().getFileName() + "." + table.getFileName();
            try {
                rows.put(name, rows(table));
            } catch (RuntimeException e) {
                unreadable.put(name, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        return new Counts(rows, unreadable);
    }

    /** Rows in the table's latest version. */
    public long rows(Path table) {
        String root = table.toAbsolutePath().toUri().toString();
        Scan scan = Table.forPath(engine, root).getLatestSnapshot(engine).getScanBuilder(engine).build();
        long rows = 0;
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> files = batches.next().getRows()) {
                    while (files.hasNext()) {
                        rows += liveRows(root, files.next());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta table " + table, e);
        }
        return rows;
    }

    /** One scan file ({@code add} action): its Parquet row count less the deleted rows of its deletion vector. */
    private long liveRows(String root, Row scanFile) throws IOException {
        Row add = scanFile.getStruct(scanFile.getSchema().indexOf("add"));
        // The log's paths are URIs relative to the table root (special characters escaped).
        URI file = URI.create(root.endsWith("/") ? root : root + "/").resolve(URI.create(add.getString(add.getSchema().indexOf("path"))));
        long rows;
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file), hadoop))) {
            rows = footer.getRecordCount();
        }
        int dv = add.getSchema().indexOf("deletionVector");
        if (dv >= 0 && !add.isNullAt(dv)) {
            Row vector = add.getStruct(dv);
            rows -= vector.getLong(vector.getSchema().indexOf("cardinality"));
        }
        return rows;
    }

    private static Iterable<Path> tables(Path warehouse) {
        if (!Files.isDirectory(warehouse)) {
            return List.of();
        }
        try (Stream<Path> layers = Files.list(warehouse)) {
            return layers.filter(Files::isDirectory).sorted().flatMap(DeltaRowCounts::tablesOf).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + warehouse, e);
        }
    }

    private static Stream<Path> tablesOf(Path layer) {
        try (Stream<Path> tables = Files.list(layer)) {
            return tables.filter(t -> Files.isDirectory(t.resolve("_delta_log"))).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + layer, e);
        }
    }
}
