package io.clickstream.launcher;

import io.clickstream.launcher.stack.StackException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./clickstream}: runs the whole pipeline on one machine, queries it and feeds it traffic. */
@Command(name = "clickstream", mixinStandardHelpOptions = true, version = "clickstream 0.1.0",
        description = "Real-time clickstream analytics on one machine: Kafka, the ingest gateway, Spark and Delta Lake.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, SqlCommand.class, SimulateCommand.class,
                RestartCommand.class})
public class ClickstreamCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ClickstreamCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StackException) {
                commandLine.getErr().println("clickstream: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
