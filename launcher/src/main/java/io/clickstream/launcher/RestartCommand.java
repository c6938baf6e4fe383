package io.clickstream.launcher;

import io.clickstream.launcher.stack.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "restart-spark", mixinStandardHelpOptions = true,
        description = "Restart the Spark driver of a running stack; it resumes from its checkpoints.")
class RestartCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--kill", description = "Kill it (SIGKILL, like a crash) instead of stopping it at a batch boundary")
    boolean kill;

    @Override
    public Integer call() {
        LocalStack.restartSpark(options.settings(), kill, System.out);
        System.out.println("the Spark driver is running again");
        return 0;
    }
}
