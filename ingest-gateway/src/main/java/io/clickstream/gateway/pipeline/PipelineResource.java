package io.clickstream.gateway.pipeline;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /pipeline}: the medallion applications' state as the supervisor sees it. */
@Path("/pipeline")
public class PipelineResource {
    private final PipelineService service;

    public PipelineResource(PipelineService service) {
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public PipelineService.Pipeline pipeline() {
        return service.pipeline();
    }
}
