package io.samsa.broker.api;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Handles one Kafka API. Gets the decoded request body and answers with the response body, or with
 * {@code null} for no response at all. Exceptions thrown (or failed stages) become Kafka's whole-request
 * error response for that API.
 *
 * <p>Every handler is called on a request handler thread ({@link RequestHandlerPool}), possibly on several at
 * once for different connections, so it must be thread-safe. It may block on disk I/O and on log or registry
 * locks, but must not wait for another thread's future: it returns a stage that thread completes (a purgatory,
 * the group coordinator).
 *
 * <p>Each handler declares the API it serves and the versions it implements ({@link #versions()}); the
 * dispatcher routes by it and ApiVersions advertises it, so the range lives next to the code that honours it.
 */
public interface ApiHandler<Q extends ApiMessage> {
    CompletionStage<? extends ApiMessage> handle(RequestContext context, Q request) throws Exception;

    /** The API this handler serves and the versions of it Samsa advertises; a constant. */
    ApiVersionRange versions();
}
