package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class DeltaRowCountsTest {
    /** See its README.md for the statements that wrote it. */
    private static final Path WAREHOUSE = Path.of("src/test/resources/delta-warehouse");

    @Test
    void countsOnlyTheRowsOfTheLatestVersion() {
        DeltaRowCounts.Counts counts = new DeltaRowCounts().all(WAREHOUSE);
        // visits: 40 rows, 10 deleted (id % 4 = 0), 20 added, then MERGE deletes 10 and inserts 4, 30 more: 74
        // marked: 100 rows, 10 marked deleted in a deletion vector: 90
        assertThat(counts.rows()).containsExactly(entry("gold.visits", 74L), entry("silver.marked", 90L));
        assertThat(counts.unreadable()).isEmpty();
    }

    @Test
    void listsOnlyFoldersWithADeltaLog(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("gold/not_a_table"));
        Files.writeString(dir.resolve("README.md"), "not a layer");
        assertThat(new DeltaRowCounts().all(dir).rows()).isEmpty();
        assertThat(new DeltaRowCounts().all(dir.resolve("missing")).rows()).isEmpty();
    }

    @Test
    void aTableThatCannotBeReadIsReportedWithoutHidingTheOthers(@TempDir Path dir) throws Exception {
        copy(WAREHOUSE.resolve("silver/marked"), dir.resolve("silver/marked"));
        // being created: the log folder exists, its first commit does not yet
        Files.createDirectories(dir.resolve("gold/being_created/_delta_log"));
        // a commit that is not JSON
        copy(WAREHOUSE.resolve("silver/marked"), dir.resolve("silver/damaged"));
        Files.writeString(dir.resolve("silver/damaged/_delta_log/00000000000000000002.json"), "{not json");

        DeltaRowCounts.Counts counts = new DeltaRowCounts().all(dir);

        assertThat(counts.rows()).containsExactly(entry("silver.marked", 90L));
        assertThat(counts.unreadable()).containsOnlyKeys("gold.being_created", "silver.damaged");
        assertThat(counts.unreadable().values()).allSatisfy(why -> assertThat(why).isNotBlank());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
