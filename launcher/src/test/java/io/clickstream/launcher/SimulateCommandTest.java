package io.clickstream.launcher;

import com.sun.net.httpserver.HttpServer;
import io.clickstream.launcher.stack.StackSettings;
import io.clickstream.launcher.stack.StackState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate} without --gateway sends to the stack running from its data folder, whatever port it was given. */
class SimulateCommandTest {
    @TempDir
    Path dir;

    @Test
    void sendsToTheGatewayOfTheStackRunningFromTheDataFolder() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/v1/events", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"accepted\":0,\"rejected\":0,\"errors\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        try {
            int port = gateway.getAddress().getPort();
            Path data = dir.resolve("data");
            // the stack was started with --port <port>; this simulate is given no port at all
            StackSettings started = new StackSettings(dir, data, port, 9192, 9465, 9091, false, "1g");
            StackState running = StackState.starting(started, true);
            running.started("gateway", ProcessHandle.current());
            java.nio.file.Files.createDirectories(data);
            running.write(started.stateFile());

            int exit = new CommandLine(new ClickstreamCli()).execute("simulate", "--data-dir", data.toString(),
                    "--rate", "20", "--duration", "1");

            assertThat(exit).isZero();
            assertThat(requests.get()).isPositive();
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void saysSoOnceWhenNoStackIsRunning() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new ClickstreamCli()).execute("simulate", "--data-dir", dir.resolve("data").toString(),
                    "--port", Integer.toString(closed), "--rate", "20", "--duration", "1");
        } finally {
            System.setErr(stderr);
        }

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("clickstream: no gateway answers at http://127.0.0.1:" + closed
                        + ": start the stack first (./clickstream up), or name a gateway with --gateway");
        assertThat(dir.resolve("data/simulations")).doesNotExist();
    }
}
