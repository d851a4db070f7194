package io.samsa.broker.quota;

import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.protocol.FetchResponseBytes;

/**
 * The throttle time of one request, decided when its response is ready, as Kafka's request helper decides it: the
 * largest of its Produce byte rate (the whole request's size, recorded after the append, acks=0 included), its
 * request time (handler-thread time as a percentage of a second) and the throttle the handler put in the response
 * already (Fetch's byte rate: {@code FetchHandler} records it, since a throttled fetch is answered empty).
 * Cluster actions (a follower's Fetch, WriteTxnMarkers, the controller's and brokers' own APIs: Kafka's
 * {@code ApiKeys#clusterAction}) are exempt from every quota. A consumer's Fetch throttled for its request time is
 * answered empty too, as Kafka answers it, and its bytes are taken back from its byte rate ({@link #emptied}).
 *
 * <p>Thread-safe; called on whichever thread completes the request (a request handler or purgatory thread).
 */
public final class RequestThrottler {
    private final ClientQuotas quotas;

    public RequestThrottler(ClientQuotas quotas) {
        this.quotas = quotas;
    }

    public ClientQuotas quotas() {
        return quotas;
    }

    /** Whether the request is a cluster action, never throttled nor counted. */
    public static boolean exempt(ApiKeys apiKey, ApiMessage request, short version) {
        if (apiKey.clusterAction) {
            return true;
        }
        if (request instanceof FetchRequestData fetch) {
            return (version >= 15 ? fetch.replicaState().replicaId() : fetch.replicaId()) >= 0;
        }
        return false;
    }

    /**
     * Records the request against the client's quotas.
     *
     * @param user          the principal's name (Kafka's user entity)
     * @param requestBytes  the request frame's size
     * @param handlerNanos  time the request spent on a request handler thread
     * @return the throttle time for the response, in ms (0: none)
     */
    public int throttleMs(ApiKeys apiKey, String user, String clientId, int requestBytes, long handlerNanos,
                          long nowMs) {
        String client = clientId == null ? "" : clientId;
        int throttle = quotas.request.recordAndGetThrottleMs(user, client, handlerNanos * 100 / 1e9, nowMs);
        if (apiKey == ApiKeys.PRODUCE) {
            throttle = Math.max(throttle, quotas.produce.recordAndGetThrottleMs(user, client, requestBytes, nowMs));
        }
        return throttle;
    }

    /**
     * The empty answer to a consumer's Fetch throttled for request time (null when the response is empty already,
     * as a Fetch throttled for its byte rate is); the bytes it carried are taken back from the consumer's byte rate,
     * as they are not sent.
     */
    public FetchResponseData emptied(FetchResponseData response, String user, String clientId, int throttleMs,
                                     long nowMs) {
        if (response.responses().isEmpty()) {
            return null;
        }
        quotas.fetch.unrecord(user, clientId == null ? "" : clientId, FetchResponseBytes.of(response), nowMs);
        return new FetchResponseData().setErrorCode(response.errorCode()).setSessionId(response.sessionId())
                .setThrottleTimeMs(throttleMs);
    }
}
