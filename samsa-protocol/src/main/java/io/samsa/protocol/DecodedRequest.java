package io.samsa.protocol;

import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiError;

/**
 * A request as read off the wire: its header fields and its body as the generated message class.
 * Record fields inside {@code body} are slices of the frame buffer: keep the frame alive while they are used.
 */
public final class DecodedRequest {
    private final ApiKeys apiKey;
    private final short apiVersion;
    private final int correlationId;
    private final String clientId;
    private final AbstractRequest request;

    DecodedRequest(ApiKeys apiKey, short apiVersion, int correlationId, String clientId, AbstractRequest request) {
        this.apiKey = apiKey;
        this.apiVersion = apiVersion;
        this.correlationId = correlationId;
        this.clientId = clientId;
        this.request = request;
    }

    public ApiKeys apiKey() {
        return apiKey;
    }

    public short apiVersion() {
        return apiVersion;
    }

    public int correlationId() {
        return correlationId;
    }

    public String clientId() {
        return clientId;
    }

    /** The body as its generated {@code *RequestData} class; null for a header-only fallback. */
    public ApiMessage body() {
        return request == null ? null : request.data();
    }

    /**
     * The response Kafka sends for this request when it fails as a whole with {@code error}: every
     * partition / topic / resource in it carries the error's code.
     */
    public ApiMessage errorResponse(Throwable error) {
        if (request.data() instanceof DescribeUserScramCredentialsRequestData d && d.users() == null) {
            // kafka-clients' getErrorResponse walks the user list, which null ("every user") does not have: a
            // NullPointerException instead of the error (found by SaslExchangeFuzzTarget)
            ApiError e = ApiError.fromThrowable(error);
            return new DescribeUserScramCredentialsResponseData().setErrorCode(e.error().code())
                    .setErrorMessage(e.message());
        }
        return request.getErrorResponse(0, error).data();
    }
}
