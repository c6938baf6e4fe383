package io.clickstream.spark.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every entry point takes: {@code --help}, {@code --config FILE}, {@code --dry-run}; the rest are arguments. */
public record CommandLine(boolean help, Path configFile, boolean dryRun, boolean json, List<String> arguments) {

    public static CommandLine parse(String[] args) {
        boolean help = false;
        boolean dryRun = false;
        boolean json = false;
        Path config = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> help = true;
                case "--dry-run" -> dryRun = true;
                case "--json" -> json = true;
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a file");
                    }
                    config = Path.of(args[++i]);
                }
                default -> {
                    if (args[i].startsWith("--config=")) {
                        config = Path.of(args[i].substring("--config=".length()));
                    } else if (args[i].startsWith("--") && rest.isEmpty()) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    } else {
                        rest.add(args[i]);
                    }
                }
            }
        }
        return new CommandLine(help, config, dryRun, json, List.copyOf(rest));
    }

    public static String commonUsage() {
        return """
                  --config FILE   properties file (see README); CLICKSTREAM_* environment variables override it
                  --dry-run       load and validate the configuration, print it, exit
                  --help          this text
                """;
    }
}
