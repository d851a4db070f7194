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
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.authorizer.Authorizer;
import io.samsa.broker.authorizer.ClusterOperations;
import io.samsa.broker.config.Listener;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.Session;
import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.ResponseSend;
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
 */
public final class ApiDispatcher implements FrameHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Map<ApiKeys, ApiRegistration> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;
    private final Function<String, Listener> advertisedByListener;
    private final Authorizer authorizer;

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
        registrations.forEach(r -> handlers.put(r.apiKey(), r));
        this.metrics = metrics;
        this.advertisedByListener = advertisedByListener;
        this.authorizer = authorizer;
    }

    public Collection<ApiRegistration> registrations() {
        return handlers.values();
    }

    @Override
    public CompletionStage<ResponseSend> handle(ByteBuffer frame, Session session) {
        long received = System.nanoTime();
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
                return WireCodec.encodeResponse(request, request.errorResponse(cause), request.apiVersion());
            }
            return body == null ? null : WireCodec.encodeResponse(request, body, request.apiVersion());
        });
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
