package io.clickstream.launcher;

import io.clickstream.launcher.stack.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop a stack started with up --detach (Spark first, at a batch boundary; Kafka last).")
class DownCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Override
    public Integer call() {
        if (!LocalStack.stopFromState(options.settings(), System.out)) {
            System.out.println("nothing is running from " + options.settings().dataDir());
            return 0;
        }
        System.out.println("stopped");
        return 0;
    }
}
