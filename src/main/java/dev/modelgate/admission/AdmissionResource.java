package dev.modelgate.admission;

import dev.modelgate.config.ModelGateConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.function.Function;

/**
 * The webhook endpoints the API server calls: {@code POST /mutate} and {@code POST /validate}, AdmissionReview
 * v1 over HTTPS. A body that is too large or not an AdmissionReview gets HTTP 413 or 400 with one sentence; the
 * API server then applies the webhook's failurePolicy (Fail: refused).
 */
@Path("/")
public class AdmissionResource {

    @Inject
    AdmissionService service;

    @Inject
    ModelGateConfig config;

    @POST
    @Path("mutate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Response mutate(byte[] body, @Context UriInfo uri) {
        return answer(body, uri, service::mutate);
    }

    @POST
    @Path("validate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Response validate(byte[] body, @Context UriInfo uri) {
        return answer(body, uri, service::validate);
    }

    private Response answer(byte[] body, UriInfo uri, Function<AdmissionReviews.Request, byte[]> decide) {
        if (!"https".equals(uri.getRequestUri().getScheme())) {
            return Response.status(Response.Status.BAD_REQUEST).entity(AdmissionReviews.error(
                    "the ModelGate webhooks answer over HTTPS only; point the webhook configuration at the HTTPS port"))
                    .build();
        }
        int limit = config.admission().maxRequestBytes();
        if (body == null || body.length == 0) {
            return Response.status(Response.Status.BAD_REQUEST).entity(AdmissionReviews.error(
                    "the request body is empty; the webhook accepts AdmissionReview admission.k8s.io/v1 objects only"))
                    .build();
        }
        if (body.length > limit) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).entity(AdmissionReviews.error(
                    "the AdmissionReview is " + body.length + " bytes, more than the " + limit + " bytes allowed "
                            + "(modelgate.admission.max-request-bytes); no Kubernetes object is that large"))
                    .build();
        }
        AdmissionReviews.Request r;
        try {
            r = AdmissionReviews.parse(body);
        } catch (AdmissionReviews.BadReview e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(AdmissionReviews.error(e.getMessage())).build();
        }
        return Response.ok(decide.apply(r)).build();
    }
}
