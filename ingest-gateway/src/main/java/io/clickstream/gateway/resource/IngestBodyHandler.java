package io.clickstream.gateway.resource;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * Reads an ingest request's whole body, up to a limit, as the bytes sent; past the limit the request fails with 413
 * for the route's failure handler. Vert.x's BodyHandler would do the same but decodes a body sent as
 * {@code application/x-www-form-urlencoded} as a form: RudderStack's Node SDK sends its gzip-compressed batches with
 * that type (its HTTP client's default for binary data), and the form decoder refused them with a bare 400 and an
 * error that quotes the body in the log.
 * <p>
 * A body not whole by a deadline fails the request with 408: a client that trickles its bytes, or stops sending
 * them, would otherwise hold its connection and buffer for as long as the idle timeout lets it (30 minutes), and on
 * HTTP/2 for as long as the connection lives.
 */
final class IngestBodyHandler implements Handler<RoutingContext> {
    private static final String BODY = IngestBodyHandler.class.getName();
    private static final int MAX_PREALLOCATED = 64 * 1024;

    private final int limit;
    private final long deadlineMillis;

    IngestBodyHandler(int limit, long deadlineMillis) {
        this.limit = limit;
        this.deadlineMillis = deadlineMillis;
    }

    /** The body this handler read for the request: empty when it had none. */
    static byte[] body(RoutingContext rc) {
        Buffer body = rc.get(BODY);
        return body == null ? new byte[0] : body.getBytes();
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        long length = contentLength(request);
        if (length > limit) {
            rc.fail(413); // without reading a byte of it
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                rc.fail(417);
                return;
            }
            if (request.version() != HttpVersion.HTTP_1_0) {
                rc.response().writeContinue();
            }
        }
        if (request.isEnded()) {
            rc.next();
            return;
        }
        Buffer body = Buffer.buffer((int) Math.min(Math.max(length, 1024), MAX_PREALLOCATED));
        boolean[] failed = {false};
        long deadline = rc.vertx().setTimer(deadlineMillis, id -> {
            if (!failed[0]) {
                failed[0] = true;
                rc.fail(408);
            }
        });
        request.exceptionHandler(error -> {
            if (!failed[0]) {
                failed[0] = true;
                rc.vertx().cancelTimer(deadline);
                // A client gone mid-upload (closed or reset): no one to answer, and nothing to log.
                if (!(error instanceof HttpClosedException || error instanceof IOException)) {
                    rc.fail(error instanceof DecoderException ? 400 : 500, error);
                }
            }
        });
        request.handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                failed[0] = true;
                rc.vertx().cancelTimer(deadline);
                rc.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ended -> {
            if (!failed[0]) {
                rc.vertx().cancelTimer(deadline);
                rc.put(BODY, body);
                rc.next();
            }
        });
        request.resume();
    }

    private static long contentLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null || header.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
