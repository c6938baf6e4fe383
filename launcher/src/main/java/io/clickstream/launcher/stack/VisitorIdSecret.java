package io.clickstream.launcher.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret of the gateway's daily visitor ids (pixels sent without an anonymous_id), kept in the data folder: a
 * restarted local stack gives a browser the id it had earlier that day. Drawn at random on the first up, readable by
 * its owner only.
 */
final class VisitorIdSecret {
    static final String ENV = "CLICKSTREAM_PRIVACY_VISITOR_ID_SECRET";

    private VisitorIdSecret() {
    }

    static String of(StackSettings settings) {
        return load(settings.dataDir().resolve("gateway").resolve("visitor-id-secret"));
    }

    static String load(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.createDirectories(file.getParent());
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, HexFormat.of().formatHex(random));
                } catch (FileAlreadyExistsException another) {
                    // a second up racing this one drew it first: theirs stands
                }
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the visitor-id secret in " + file, e);
        }
    }
}
