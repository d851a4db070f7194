package io.samsa.broker.handler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;

/**
 * SaslHandshake and SaslAuthenticate as the request handlers see them: only on a connection that is already
 * authenticated (or on a listener without SASL), since a SASL listener's authenticator answers them itself before
 * any request reaches the handlers. As in Kafka, they answer ILLEGAL_SASL_STATE there. Registered so that
 * ApiVersions lists them on every listener, as Kafka's does: clients pick their SaslHandshake version from it.
 */
public final class SaslAfterAuthenticationHandlers {
    private SaslAfterAuthenticationHandlers() {
    }

    public static List<ApiHandler<?>> all() {
        return List.of(new Handshake(), new Authenticate());
    }

    static final class Handshake implements ApiHandler<SaslHandshakeRequestData> {
        // v0 (raw tokens after the handshake) is the authenticator's business; both versions are listed.
        private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.SASL_HANDSHAKE, 0, 1);

        @Override
        public CompletionStage<SaslHandshakeResponseData> handle(RequestContext context,
                                                                 SaslHandshakeRequestData request) {
            return CompletableFuture.completedFuture(new SaslHandshakeResponseData()
                    .setErrorCode(Errors.ILLEGAL_SASL_STATE.code()));
        }

        @Override
        public ApiVersionRange versions() {
            return VERSIONS;
        }
    }

    static final class Authenticate implements ApiHandler<SaslAuthenticateRequestData> {
        private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.SASL_AUTHENTICATE, 0, 2);

        @Override
        public CompletionStage<SaslAuthenticateResponseData> handle(RequestContext context,
                                                                    SaslAuthenticateRequestData request) {
            return CompletableFuture.completedFuture(new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate request received after successful authentication"));
        }

        @Override
        public ApiVersionRange versions() {
            return VERSIONS;
        }
    }
}
