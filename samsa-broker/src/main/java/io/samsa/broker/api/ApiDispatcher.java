package io.samsa.broker.api;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.authorizer.Authorizer;
import io.samsa.broker.authorizer.ClusterOperations;
import io.samsa.broker.config.Listener;
import io.samsa.broker.quota.ClientQuotas;
import io.samsa.broker.quota.RequestThrottler;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.Session;
import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.ResponseSend;
import io.samsa.protocol.ThrottleTimes;
import io.samsa.protocol.WireCodec;

/**
 * Frame → handler → frame. A frame whose header cannot be read, or whose body does not parse, closes the
 * connection (as Kafka does: there is no safe way to answer it). A known API at a version Samsa does not
 * implement gets UNSUPPORTED_VERSION; an ApiVersions request of any version always gets an answer.
 *
 * <p>Called on a request handler thread ({@link RequestHandlerPool}). The handler's stage may complete on another
 * thread (the fetch purgatory, the group coordinator); either way this only wraps the response body in an unencoded
 * {@link ResponseSend}: the connection's network thread serializes it just before writing (see
 * {@code io.samsa.network}).
 *
 * <p>Client quotas: when the response is ready, the request is recorded against its client's quotas
 * ({@link RequestThrottler}: request time, Produce bytes; Fetch bytes were recorded by the handler); a throttle
 * time goes into the response's {@code throttle_time_ms} and onto the {@link ResponseSend}, so the network layer
 * mutes the connection for it after sending (a Produce with acks=0 is muted without a response).
 */
public final class ApiDispatcher implements FrameHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Map<ApiKeys, ApiRegistration> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;
    private final Function<String, Listener> advertisedByListener;
    private final Authorizer authorizer;
    private final RequestThrottler throttler;

    public ApiDispatcher(Collection<ApiRegistration> registrations, RequestMetrics metrics) {
        this(registrations, metrics, name -> null);
    }

    /**
     * @param advertisedByListener the advertised address of each listener name, put in every request's context
     */
    public ApiDispatcher(Collection<ApiRegistration> registrations, RequestMetrics metrics,
                         Function<String, Listener> advertisedByListener) {
        this(registrations, metrics, advertisedByListener, Authorizer.NONE);
    }

    /**
     * @param authorizer checks each request: the cluster operation some APIs need as a whole
     *                   ({@link ClusterOperations}) here, every other resource in the handlers
     */
    public ApiDispatcher(Collection<ApiRegistration> registrations, RequestMetrics metrics,
                         Function<String, Listener> advertisedByListener, Authorizer authorizer) {
        this(registrations, metrics, advertisedByListener, authorizer, new RequestThrottler(ClientQuotas.none()));
    }

    /** @param throttler records each request against its client's quotas and gives its throttle time */
    public ApiDispatcher(Collection<ApiRegistration> registrations, RequestMetrics metrics,
                         Function<String, Listener> advertisedByListener, Authorizer authorizer,
                         RequestThrottler throttler) {
        registrations.forEach(r -> handlers.put(r.apiKey(), r));
        this.metrics = metrics;
        this.advertisedByListener = advertisedByListener;
        this.authorizer = authorizer;
        this.throttler = throttler;
    }

    public Collection<ApiRegistration> registrations() {
        return handlers.values();
    }

    @Override
    public CompletionStage<ResponseSend> handle(ByteBuffer frame, Session session) {
        long received = System.nanoTime();
        int requestBytes = frame.remaining();
        ClientAddress client = session.client();
        RequestFrameHeader header = WireCodec.parseHeader(frame);
        ApiRegistration registration = handlers.get(header.apiKey());
        if (registration == null || !registration.supports(header.apiVersion())) {
            return CompletableFuture.completedFuture(unsupported(header, frame));
        }
        DecodedRequest request = WireCodec.decodeBody(header, frame);
        RequestContext context = new RequestContext(request.apiKey(), request.apiVersion(), request.clientId(),
                session, advertisedByListener.apply(session.listenerName()), received, authorizer);
        CompletionStage<? extends ApiMessage> response;
        try {
            AclOperation clusterOp = ClusterOperations.required(request.apiKey());
            if (clusterOp != null) {
                context.requireCluster(clusterOp);
            }
            response = invoke(registration.handler(), context, request.body());
        } catch (Exception | Error e) {
            // As Kafka's request handler: even an Error is answered with the request's error response
            // (UNKNOWN_SERVER_ERROR) instead of closing a connection that other requests may be using.
            response = CompletableFuture.failedFuture(e);
        }
        // Kafka's request quota counts the time on the handler thread, not the wait in a purgatory.
        long handlerNanos = System.nanoTime() - received;
        boolean exempt = RequestThrottler.exempt(request.apiKey(), request.body(), request.apiVersion());
        return response.handle((body, error) -> {
            metrics.record(request.apiKey(), System.nanoTime() - received, error == null);
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof CloseConnectionException close) {
                    throw close;
                }
                if (Errors.forException(cause) == Errors.UNKNOWN_SERVER_ERROR) {
                    log.error("Unexpected error handling {} v{} from {}", request.apiKey(), request.apiVersion(),
                            client, cause);
                }
                return throttled(request, context, request.errorResponse(cause), requestBytes, handlerNanos, exempt);
            }
            return throttled(request, context, body, requestBytes, handlerNanos, exempt);
        });
    }

    /** The response (null: none) with the request's throttle time, its quotas recorded unless it is exempt. */
    private ResponseSend throttled(DecodedRequest request, RequestContext context, ApiMessage body, int requestBytes,
                                   long handlerNanos, boolean exempt) {
        int throttle = exempt ? 0 : throttler.throttleMs(request.apiKey(), context.principal().name(),
                context.clientId(), requestBytes, handlerNanos, System.currentTimeMillis());
        if (body == null) {
            return throttle > 0 ? ResponseSend.throttleOnly(throttle) : null;
        }
        if (request.apiKey() == ApiKeys.FETCH && !exempt) {
            if (throttle > 0 && body instanceof FetchResponseData fetch) {
                // Kafka: a consumer's fetch throttled for request time is answered empty as well.
                FetchResponseData empty = throttler.emptied(fetch, context.principal().name(), context.clientId(),
                        throttle, System.currentTimeMillis());
                body = empty == null ? body : empty;
            }
            throttle = Math.max(throttle, ThrottleTimes.get(body)); // the fetch byte rate's, set by the handler
        }
        if (throttle > 0) {
            ThrottleTimes.set(body, throttle);
        }
        return WireCodec.encodeResponse(request, body, request.apiVersion()).throttle(throttle);
    }

    @SuppressWarnings("unchecked")
    private static <Q extends ApiMessage> CompletionStage<? extends ApiMessage> invoke(
            ApiHandler<Q> handler, RequestContext context, ApiMessage body) throws Exception {
        return handler.handle(context, (Q) body);
    }

    private ResponseSend unsupported(RequestFrameHeader header, ByteBuffer frame) {
        if (header.apiKey() == ApiKeys.API_VERSIONS) {
            // KIP-511: answer an ApiVersions we cannot serve with a v0 body listing what we do support.
            ApiVersionsResponseData body = ApiVersionsHandler.describe(handlers.values())
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            return WireCodec.encodeResponse(WireCodec.headerOnly(header), body, (short) 0);
        }
        if (!WireCodec.canDecode(header)) {
            throw new UnsupportedVersionException("Unsupported " + header.apiKey() + " version " + header.apiVersion());
        }
        DecodedRequest request = WireCodec.decodeBody(header, frame);
        String message = handlers.containsKey(header.apiKey())
                ? header.apiKey() + " version " + header.apiVersion() + " is not supported by Samsa"
                : header.apiKey() + " is not supported by Samsa";
        return WireCodec.encodeResponse(request, request.errorResponse(new UnsupportedVersionException(message)),
                request.apiVersion());
    }
}
