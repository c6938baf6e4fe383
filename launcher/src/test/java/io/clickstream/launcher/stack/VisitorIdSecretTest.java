package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorIdSecretTest {
    @TempDir
    Path dir;

    @Test
    void theFirstUpDrawsASecretThatLaterUpsKeepAndOnlyItsOwnerCanRead() throws IOException {
        Path file = dir.resolve("data/gateway/visitor-id-secret");
        String first = VisitorIdSecret.load(file);
        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(VisitorIdSecret.load(file)).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(VisitorIdSecret.load(dir.resolve("other/gateway/visitor-id-secret"))).isNotEqualTo(first);
    }
}
