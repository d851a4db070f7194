package io.samsa.network.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.auth.sasl.ApiVersionsResponder;
import io.samsa.network.auth.sasl.PlainServer;
import io.samsa.network.auth.sasl.SaslServerAuthenticator;
import io.samsa.network.auth.sasl.SaslServerMechanisms;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.protocol.ScramMechanism;

/**
 * Coverage-guided fuzzing of the SASL server as a connection runs it before authentication: any bytes, arriving in
 * any chunking, must end in authentication (only with a real user's password), in an IOException that closes the
 * connection, or in waiting for more bytes — never in an unchecked exception, an error, a frame larger than the
 * receive limit allocated, or a loop that does not consume input.
 */
class SaslExchangeFuzzTarget {
    private static final int MAX_RECEIVE = 4096;
    private static final ScramCredential ALICE_256 =
            ScramCredential.create(ScramMechanism.SCRAM_SHA_256, "alice-secret", 4096);
    private static final ScramCredential ALICE_512 =
            ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "alice-secret", 4096);
    private static final ApiVersionsResponder API_VERSIONS = new ApiVersionsResponder() {
        @Override
        public boolean supports(short version) {
            return version >= 0 && version <= 4;
        }

        @Override
        public ApiVersionsResponseData respond(short version, ApiVersionsRequestData request) {
            return new ApiVersionsResponseData();
        }
    };
    private static final SaslServerMechanisms MECHANISMS = new SaslServerMechanisms(
            List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
            Map.<String, Supplier<? extends SaslMechanismServer>>of(
                    "PLAIN", () -> new PlainServer(Map.of("alice", "alice-secret")),
                    "SCRAM-SHA-256", () -> new ScramServer(ScramMechanism.SCRAM_SHA_256,
                            (user, m) -> user.equals("alice") ? ALICE_256 : null),
                    "SCRAM-SHA-512", () -> new ScramServer(ScramMechanism.SCRAM_SHA_512,
                            (user, m) -> user.equals("alice") ? ALICE_512 : null)));

    /** The first byte is the size of each read (0: all at once), the rest what the client sends. */
    @FuzzTest(maxDuration = FuzzDurations.SUITE)
    void endsInAuthenticationAClosedConnectionOrWaiting(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = input[0] & 0xff;
        ScriptedTransport transport = new ScriptedTransport(Arrays.copyOfRange(input, 1, input.length),
                chunk == 0 ? new int[0] : new int[] {chunk});
        SaslServerAuthenticator authenticator = new SaslServerAuthenticator(transport, MECHANISMS, API_VERSIONS,
                MAX_RECEIVE);
        // Each step either finishes, fails, or consumes input: a bounded number of steps covers any input.
        for (int step = 0; step < 10_000; step++) {
            try {
                if (authenticator.authenticate()) {
                    assertThat(authenticator.principal().name()).isEqualTo("alice");
                    return;
                }
            } catch (IOException closed) {
                return;
            }
            if (transport.exhausted() && !authenticator.wantsWrite()) {
                return;
            }
        }
        throw new AssertionError("the authenticator neither finished nor consumed its input in 10,000 steps");
    }
}
