package io.samsa.network.fuzz;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.protocol.ScramMechanism;

/**
 * Coverage-guided fuzzing of the SCRAM server's message parsing (RFC 5802 client-first and client-final messages,
 * escapes, extensions, base64 proofs, librdkafka's legacy nonce): any pair of messages ends in a SaslFailure or in
 * an exchange that only the right proof completes — never an unchecked exception, and never deep recursion on a long
 * input (the parser once used a regular expression that overflowed the stack).
 */
class ScramMessagesFuzzTarget {
    private static final ScramCredential ALICE = ScramCredential.create(ScramMechanism.SCRAM_SHA_256, "alice-secret",
            4096);

    /** The input is the client-first message, a zero byte, then the client-final message. */
    @FuzzTest(maxDuration = FuzzDurations.SUITE)
    void parsesOrFails(byte[] input) {
        ScramServer server = new ScramServer(ScramMechanism.SCRAM_SHA_256,
                (user, m) -> user.equals("alice") ? ALICE : null);
        int split = 0;
        while (split < input.length && input[split] != 0) {
            split++;
        }
        try {
            server.evaluate(Arrays.copyOfRange(input, 0, split));
            server.evaluate(Arrays.copyOfRange(input, Math.min(split + 1, input.length), input.length));
        } catch (SaslFailure failed) {
            // a malformed or wrong message: the connection is told and closed
        }
    }
}
