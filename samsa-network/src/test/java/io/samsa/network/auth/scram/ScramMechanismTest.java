package io.samsa.network.auth.scram;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import io.samsa.protocol.ScramMechanism;

/** The RFC 5802 functions against RFC 7677's published SCRAM-SHA-256 exchange, and Kafka's mechanism ids. */
class ScramMechanismTest {
    // RFC 7677 section 3: user "user", password "pencil".
    private static final String CLIENT_FIRST_BARE = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL_WITHOUT_PROOF = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String PROOF = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_SIGNATURE = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    @Test
    void rfc7677TestVector() {
        ScramMechanism m = ScramMechanism.SCRAM_SHA_256;
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        byte[] salted = m.saltedPassword("pencil", salt, 4096);
        assertThat(m.saltedPassword("pencil".toCharArray(), salt, 4096)).isEqualTo(salted);
        ScramCredential credential = ScramCredential.fromSaltedPassword(m, salt, salted, 4096);
        byte[] authMessage = (CLIENT_FIRST_BARE + "," + SERVER_FIRST + "," + CLIENT_FINAL_WITHOUT_PROOF)
                .getBytes(StandardCharsets.UTF_8);

        // The server's check: ClientKey = proof XOR HMAC(StoredKey, AuthMessage), and H(ClientKey) = StoredKey.
        byte[] proof = Base64.getDecoder().decode(PROOF);
        byte[] clientSignature = m.hmac(credential.storedKey(), authMessage);
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        assertThat(m.hash(clientKey)).isEqualTo(credential.storedKey());
        assertThat(Base64.getEncoder().encodeToString(m.hmac(credential.serverKey(), authMessage)))
                .isEqualTo(SERVER_SIGNATURE);
    }

    @Test
    void theTestClientProducesTheRfcProof() {
        TestScramClient client = new TestScramClient(ScramMechanism.SCRAM_SHA_256, "user", "pencil",
                "rOprNGfwEbeRWgbNEkqO");
        assertThat(new String(client.first(), StandardCharsets.UTF_8)).isEqualTo("n,," + CLIENT_FIRST_BARE);
        byte[] last = client.last(SERVER_FIRST.getBytes(StandardCharsets.UTF_8), n -> n);
        assertThat(new String(last, StandardCharsets.UTF_8)).isEqualTo(CLIENT_FINAL_WITHOUT_PROOF + ",p=" + PROOF);
        assertThat(client.serverVerified(("v=" + SERVER_SIGNATURE).getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void kafkasMechanismIdsAndNames() {
        assertThat(ScramMechanism.forType((byte) 1)).isEqualTo(ScramMechanism.SCRAM_SHA_256);
        assertThat(ScramMechanism.forType((byte) 2)).isEqualTo(ScramMechanism.SCRAM_SHA_512);
        assertThat(ScramMechanism.forName("SCRAM-SHA-512")).isEqualTo(ScramMechanism.SCRAM_SHA_512);
        assertThat(ScramMechanism.forName("PLAIN")).isNull();
    }

    @Test
    void aNewCredentialHasARandomSaltAndKeysOfTheHashLength() {
        ScramCredential a = ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "secret", 4096);
        ScramCredential b = ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "secret", 4096);
        assertThat(a.salt()).isNotEqualTo(b.salt());
        assertThat(a.storedKey()).hasSize(64).isNotEqualTo(b.storedKey());
        assertThat(a.serverKey()).hasSize(64);
        assertThat(a.iterations()).isEqualTo(4096);
        byte[] salted = ScramMechanism.SCRAM_SHA_512.saltedPassword("secret", a.salt(), 4096);
        assertThat(ScramCredential.fromSaltedPassword(ScramMechanism.SCRAM_SHA_512, a.salt(), salted, 4096).storedKey())
                .isEqualTo(a.storedKey());
    }
}
