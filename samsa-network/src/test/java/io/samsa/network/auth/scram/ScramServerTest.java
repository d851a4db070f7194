package io.samsa.network.auth.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SaslFailure;
import io.samsa.protocol.ScramMechanism;

/** One SCRAM exchange at a time, straight against the server: nonces, proofs, users, authzid. */
class ScramServerTest {
    private static final Map<String, String> PASSWORDS = Map.of("alice", "alice-secret", "a,b=c", "odd-secret");
    private static final Map<ScramMechanism, Map<String, ScramCredential>> CREDENTIALS = Map.of(
            ScramMechanism.SCRAM_SHA_256, credentials(ScramMechanism.SCRAM_SHA_256),
            ScramMechanism.SCRAM_SHA_512, credentials(ScramMechanism.SCRAM_SHA_512));
    private static final ScramCredentialStore STORE = (user, m) -> CREDENTIALS.get(m).get(user);

    private static Map<String, ScramCredential> credentials(ScramMechanism m) {
        return Map.of("alice", ScramCredential.create(m, "alice-secret", 4096), "a,b=c", ScramCredential.create(m, "odd-secret", 4096),
                "weak", ScramCredential.create(m, "weak-secret", 1000));
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void theRfcNonceAuthenticatesAndTheServerProvesItself(ScramMechanism m) throws SaslFailure {
        ScramServer server = new ScramServer(m, STORE);
        TestScramClient client = new TestScramClient(m, "alice", "alice-secret", "fyko+d2lbbFgONRv9qkxdawL");
        byte[] serverFirst = server.evaluate(client.first());
        assertThat(server.isComplete()).isFalse();
        byte[] serverFinal = server.evaluate(client.last(serverFirst, n -> n));
        assertThat(server.isComplete()).isTrue();
        assertThat(server.authorizationId()).isEqualTo("alice");
        assertThat(client.serverVerified(serverFinal)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void librdkafkasLegacyNonceIsAccepted(ScramMechanism m) throws SaslFailure {
        ScramServer server = new ScramServer(m, STORE);
        TestScramClient client = new TestScramClient(m, "alice", "alice-secret", "legacyClientNonce");
        byte[] serverFirst = server.evaluate(client.first());
        // librdkafka < 2.6.1 (kcat 1.7.1 on Debian 12, as captured): its nonce, then the combined nonce
        byte[] serverFinal = server.evaluate(client.last(serverFirst, n -> client.clientNonce() + n));
        assertThat(server.isComplete()).isTrue();
        assertThat(client.serverVerified(serverFinal)).isTrue();
    }

    @Test
    void anyOtherNonceFails() throws SaslFailure {
        for (java.util.function.UnaryOperator<String> wrong : java.util.List.<java.util.function.UnaryOperator<String>>of(
                n -> n + "x", n -> n + n, n -> n.substring(0, n.length() - 1), n -> "x" + n,
                n -> n + "otherNonce", // the client nonce after the combined one: not what librdkafka sends
                n -> "otherNonc" + n, n -> "otherNonce" + n + "x")) {
            ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
            TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "alice", "alice-secret",
                    "otherNonce");
            byte[] serverFirst = server.evaluate(client.first());
            assertThatThrownBy(() -> server.evaluate(client.last(serverFirst, wrong)))
                    .isInstanceOf(SaslFailure.class).hasMessageContaining("nonce");
            assertThat(server.isComplete()).isFalse();
        }
    }

    @Test
    void aWrongPasswordFailsAtTheProof() throws SaslFailure {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_512, STORE);
        TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_512, "alice", "wrong", "n1");
        byte[] serverFirst = server.evaluate(client.first());
        assertThatThrownBy(() -> server.evaluate(client.last(serverFirst, n -> n))).isInstanceOf(SaslFailure.class)
                .hasMessage("Invalid client credentials");
        assertThat(server.isComplete()).isFalse();
    }

    @Test
    void anUnknownUserGoesThroughTheExchangeWithAStableSaltAndFailsAtTheEnd() throws SaslFailure {
        byte[][] firsts = new byte[2][];
        for (int i = 0; i < 2; i++) {
            ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
            TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "mallory", "guess", "n" + i);
            firsts[i] = server.evaluate(client.first());
            byte[] serverFirst = firsts[i];
            assertThatThrownBy(() -> server.evaluate(client.last(serverFirst, n -> n)))
                    .isInstanceOf(SaslFailure.class);
        }
        assertThat(salt(firsts[0])).as("the same made-up salt on every attempt").isEqualTo(salt(firsts[1]));
    }

    @Test
    void tooFewIterationsFail() throws SaslFailure {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
        TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "weak", "weak-secret", "n");
        byte[] serverFirst = server.evaluate(client.first());
        assertThatThrownBy(() -> server.evaluate(client.last(serverFirst, n -> n))).isInstanceOf(SaslFailure.class)
                .hasMessageContaining("less than the minimum 4096");
    }

    @Test
    void escapedUserNamesAndAMatchingAuthzid() throws SaslFailure {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
        TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "a,b=c", "odd-secret", "n");
        byte[] first = client.first("a,b=c");
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("n,a=a=2Cb=3Dc,n=a=2Cb=3Dc,r=n");
        server.evaluate(client.last(server.evaluate(first), n -> n));
        assertThat(server.authorizationId()).isEqualTo("a,b=c");
    }

    @Test
    void anotherAuthzidIsRefusedWithKafkasMessage() {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
        TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "alice", "alice-secret", "n");
        assertThatThrownBy(() -> server.evaluate(client.first("admin"))).isInstanceOf(SaslFailure.class)
                .hasMessage("Authentication failed: Client requested an authorization id that is different from username");
    }

    @Test
    void malformedFirstMessagesFail() {
        for (String bad : new String[] {"", "y,,n=alice,r=n", "p=tls-unique,,n=alice,r=n", "n,,n=alice", "n,,r=n",
                "n,,n=al=ice,r=n", "n,,n=alice,r=", "n,x,n=alice,r=n", "n,,n=,r=n"}) {
            ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
            assertThatThrownBy(() -> server.evaluate(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(SaslFailure.class);
        }
    }

    @Test
    void aHugeMessageFailsWithoutBlowingTheStack() {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256, STORE);
        byte[] huge = ("n,,n=" + "a=2C".repeat(100_000) + "=x,r=n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> server.evaluate(huge)).isInstanceOf(SaslFailure.class);
    }

    private static String salt(byte[] serverFirst) {
        return new String(serverFirst, StandardCharsets.UTF_8).split(",")[1];
    }
}
