package io.clickstream.gateway.resource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves the first-party tracker. {@code /tracker.js} is revalidated every few minutes (ETag), so a new gateway
 * version reaches sites quickly; {@code /tracker/<version>.js} never changes and is cached for a year.
 */
@Path("/")
public class TrackerResource {
    static final String RESOURCE = "tracker/tracker.js";
    private static final String JS = "application/javascript; charset=utf-8";

    private final byte[] script;
    private final String version;

    public TrackerResource() {
        try (InputStream in = TrackerResource.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the gateway");
            }
            this.script = in.readAllBytes();
            this.version = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script), 0, 6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @GET
    @Path("tracker.js")
    public Response latest(Request request) {
        EntityTag tag = new EntityTag(version);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        if (notModified != null) {
            return notModified.header("Cache-Control", "public, max-age=300").build();
        }
        return Response.ok(script, JS).tag(tag)
                .header("Cache-Control", "public, max-age=300")
                .header("X-Tracker-Version", version)
                .build();
    }

    @GET
    @Path("tracker/{version}.js")
    public Response pinned(@PathParam("version") String requested) {
        if (!version.equals(requested)) {
            return Response.status(404).entity("tracker version " + requested + " is not served here; current is " + version)
                    .type("text/plain").build();
        }
        return Response.ok(script, JS).tag(new EntityTag(version))
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .build();
    }
}
