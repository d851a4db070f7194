package io.samsa.broker.api;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Handles one Kafka API. Gets the decoded request body and answers with the response body, or with
 * {@code null} for no response at all. Exceptions thrown (or failed stages) become Kafka's whole-request
 * error response for that API.
 */
@FunctionalInterface
public interface ApiHandler<Q extends ApiMessage> {
    CompletionStage<? extends ApiMessage> handle(RequestContext context, Q request) throws Exception;
}
