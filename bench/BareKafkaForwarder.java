import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.UUID;

/**
 * Second ceiling for the gateway benchmark: a bare Vert.x server that sends each body to Kafka as one record (with the
 * gateway's producer settings) and answers 202 only after the broker's ack, as the gateway does, but with no
 * validation, metrics or routing. It shows what "answer after acks=all" alone costs on this machine.
 * Run: java -cp <bench classpath> bench/BareKafkaForwarder.java PORT BOOTSTRAP TOPIC
 */
public class BareKafkaForwarder {
    /** Netty's epoll transport where the gateway uses it too ({@code -Dbench.native-transport=false}: Java NIO). */
    static final boolean NATIVE = !"false".equals(System.getProperty("bench.native-transport"));

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        // The gateway's producer settings; linger and in-flight requests follow the gateway's own system properties,
        // so that GATEWAY_JAVA_OPTS of the bench script tries a setting on both.
        Map<String, Object> config = Map.of("bootstrap.servers", args[1], "acks", "all", "enable.idempotence", "true",
                "compression.type", "snappy", "batch.size", "131072",
                "linger.ms", System.getProperty("mp.messaging.outgoing.events.linger.ms", "1"),
                "max.in.flight.requests.per.connection",
                System.getProperty("mp.messaging.outgoing.events.max.in.flight.requests.per.connection", "5"));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        String topic = args[2];
        Buffer accepted = Buffer.buffer("{\"accepted\":1,\"rejected\":0,\"errors\":[]}");
        int loops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(NATIVE).setEventLoopPoolSize(loops));
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
                Context context = Vertx.currentContext();
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, UUID.randomUUID().toString(), body.getBytes());
                producer.send(record, (metadata, error) -> context.runOnContext(v ->
                        req.response().setStatusCode(error == null ? 202 : 503).end(accepted.copy())));
            })).listen(port, "127.0.0.1");
        }
        System.out.println("bare forwarder on 127.0.0.1:" + port + (vertx.isNativeTransportEnabled() ? ", epoll" : ", NIO"));
    }
}
