package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class DeltaRowCountsTest {
    /** See its README.md for the statements that wrote it. */
    private static final Path WAREHOUSE = Path.of("src/test/resources/delta-warehouse");

    @Test
    void countsOnlyTheRowsOfTheLatestVersion() {
        // visits: 40 rows, 10 deleted (id % 4 = 0), 20 added, then MERGE deletes 10 and inserts 4, 30 more: 74
        // marked: 100 rows, 10 marked deleted in a deletion vector: 90
        assertThat(new DeltaRowCounts().all(WAREHOUSE)).containsExactly(entry("gold.visits", 74L), entry("silver.marked", 90L));
    }

    @Test
    void listsOnlyFoldersWithADeltaLog(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("gold/not_a_table"));
        Files.writeString(dir.resolve("README.md"), "not a layer");
        assertThat(new DeltaRowCounts().all(dir)).isEmpty();
        assertThat(new DeltaRowCounts().all(dir.resolve("missing"))).isEmpty();
    }
}
