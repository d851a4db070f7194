package io.samsa.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import io.samsa.broker.config.Listener;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.FrameHandler.ClientAddress;
import io.samsa.network.server.Session;
import io.samsa.protocol.ResponseSend;
import io.samsa.protocol.WireCodec;

/** The dispatcher fills each request's context from its connection: who, on which listener, told which address. */
class RequestContextTest {

    @Test
    void theContextCarriesTheSessionAndTheListenersAdvertisedAddress() throws Exception {
        AtomicReference<RequestContext> seen = new AtomicReference<>();
        ApiHandler<DescribeClusterRequestData> handler = new ApiHandler<>() {
            @Override
            public CompletionStage<DescribeClusterResponseData> handle(RequestContext context,
                                                                       DescribeClusterRequestData request) {
                seen.set(context);
                return CompletableFuture.completedFuture(new DescribeClusterResponseData());
            }

            @Override
            public ApiVersionRange versions() {
                return ApiVersionRange.of(ApiKeys.DESCRIBE_CLUSTER, 0, 1);
            }
        };
        Listener internal = new Listener("INTERNAL", "broker-1.internal", 19094);
        ApiDispatcher dispatcher = new ApiDispatcher(
                List.of(ApiRegistration.of(handler)),
                new RequestMetrics(), Map.of("INTERNAL", internal)::get);
        Session session = new Session(new ClientAddress("10.0.0.7", 40000, 3), "INTERNAL",
                SecurityProtocol.PLAINTEXT, new Principal("User", "alice"));
        ByteBuffer frame = WireCodec.encodeRequest(ApiKeys.DESCRIBE_CLUSTER, (short) 1, "ctx-test", 5,
                new DescribeClusterRequestData());
        frame.getInt(); // the network layer strips the size prefix

        ResponseSend response = dispatcher.handle(frame.slice(), session).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(response.size()).isPositive();
        RequestContext c = seen.get();
        assertThat(c.principal()).hasToString("User:alice");
        assertThat(c.listenerName()).isEqualTo("INTERNAL");
        assertThat(c.securityProtocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(c.client().host()).isEqualTo("10.0.0.7");
        assertThat(c.clientId()).isEqualTo("ctx-test");
        assertThat(c.advertised()).isEqualTo(internal);
    }
}
