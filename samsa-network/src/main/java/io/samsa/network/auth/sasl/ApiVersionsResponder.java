package io.samsa.network.auth.sasl;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/**
 * How a SASL listener answers the ApiVersions a client sends before its SaslHandshake: with what the broker's
 * own ApiVersions handler says, so a client sees the same versions before and after authenticating. Called on
 * the connection's network thread; must answer from memory and be thread-safe.
 */
public interface ApiVersionsResponder {

    /**
     * Whether ApiVersions at {@code version} is answered in full. A request at a version that is not (a newer
     * client) gets a v0 response with UNSUPPORTED_VERSION listing {@code respond(0, ...)}'s APIs (KIP-511), and
     * may ask again at a version it finds there.
     */
    boolean supports(short version);

    /** The response body for an ApiVersions request of a supported {@code version}. */
    ApiVersionsResponseData respond(short version, ApiVersionsRequestData request);
}
