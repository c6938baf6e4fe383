import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Ceiling for the gateway benchmark: a bare Vert.x HTTP server that reads the body and answers 204,
 * with as many event loops as the gateway gets. Run: java -cp <bench classpath> bench/BareHttpServer.java PORT
 */
public class BareHttpServer {
    /** Netty's epoll transport where the gateway uses it too ({@code -Dbench.native-transport=false}: Java NIO). */
    static final boolean NATIVE = !"false".equals(System.getProperty("bench.native-transport"));

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(NATIVE).setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            vertx.createHttpServer()
                    .requestHandler(req -> req.body().onComplete(b -> req.response().setStatusCode(204).end()))
                    .listen(port, "127.0.0.1");
        }
        System.out.println("bare server on 127.0.0.1:" + port + (vertx.isNativeTransportEnabled() ? ", epoll" : ", NIO"));
    }
}
