package io.samsa.network.auth.scram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.protocol.ScramMechanism;

/**
 * The server side of one SCRAM-SHA-256/512 exchange (RFC 5802, Kafka's KIP-84 semantics): client-first →
 * server-first → client-final → server-final.
 *
 * <p>Two choices where Kafka differs:
 * <ul>
 *   <li>An unknown user goes through the whole exchange with a made-up salt (the same on every attempt) and fails
 *       at the proof, with the same message as a wrong password: the exchange does not tell who exists. Kafka fails
 *       at the first message, with the same message.</li>
 *   <li><b>librdkafka's legacy nonce</b>: librdkafka before 2.6.1 (Debian 12's kcat, 2.0.2) sends
 *       {@code r=<client nonce><combined nonce>} in its client-final-message: its own nonce, then the whole nonce the
 *       server sent (which starts with the client nonce), as seen on the wire from kcat. Kafka 4 rejects it
 *       (strict RFC 5802 check); Samsa accepts exactly that form as well as the correct one. The proof is still
 *       verified over the client-final-message-without-proof as the client sent it, so the legacy form proves
 *       the password just as well; any other nonce fails.</li>
 * </ul>
 * Extensions ({@code tokenauth}) are ignored: Samsa has no delegation tokens.
 *
 * <p>One instance per authentication; used on the connection's network thread only.
 */
public final class ScramServer implements SaslMechanismServer {
    private static final Logger log = LoggerFactory.getLogger(ScramServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Keys the made-up salts of unknown users, so that they are stable for this process but not guessable. */
    private static final byte[] UNKNOWN_USER_KEY = randomBytes(32);

    private enum State { CLIENT_FIRST, CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final ScramCredentialStore store;
    private State state = State.CLIENT_FIRST;
    private ScramMessages.ClientFirst clientFirst;
    private String serverFirst;
    private String combinedNonce;
    private ScramCredential credential;
    /** Why the exchange will fail at the proof (unknown user, too few iterations); null when it may succeed. */
    private String doomed;

    public ScramServer(ScramMechanism mechanism, ScramCredentialStore store) {
        this.mechanism = mechanism;
        this.store = store;
    }

    @Override
    public String mechanismName() {
        return mechanism.mechanismName();
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslFailure {
        try {
            return switch (state) {
                case CLIENT_FIRST -> clientFirst(clientToken);
                case CLIENT_FINAL -> clientFinal(clientToken);
                default -> throw SaslFailure.internal("Unexpected SCRAM message in state " + state);
            };
        } catch (SaslFailure | RuntimeException e) {
            state = State.FAILED;
            credential = null;
            throw e;
        }
    }

    private byte[] clientFirst(byte[] token) throws SaslFailure {
        clientFirst = ScramMessages.ClientFirst.parse(token);
        String user = clientFirst.username();
        if (!clientFirst.authzid().isEmpty() && !clientFirst.authzid().equals(user)) {
            throw SaslFailure.toClient(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        credential = store.credential(user, mechanism);
        if (credential == null) {
            doomed = "unknown user " + user;
            credential = madeUp(user);
        } else if (credential.iterations() < ScramMechanism.MIN_ITERATIONS) {
            doomed = "iterations " + credential.iterations() + " is less than the minimum "
                    + ScramMechanism.MIN_ITERATIONS + " for " + mechanism.mechanismName();
        }
        combinedNonce = clientFirst.nonce() + Base64.getEncoder().withoutPadding().encodeToString(randomBytes(24));
        serverFirst = ScramMessages.serverFirst(combinedNonce, credential.salt(), credential.iterations());
        state = State.CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(byte[] token) throws SaslFailure {
        ScramMessages.ClientFinal clientFinal = ScramMessages.ClientFinal.parse(token);
        String nonce = clientFinal.nonce();
        boolean legacyNonce = nonce.equals(clientFirst.nonce() + combinedNonce);
        if (!nonce.equals(combinedNonce) && !legacyNonce) {
            throw SaslFailure.internal("Invalid client nonce in the final client message.");
        }
        byte[] authMessage = (clientFirst.bare() + "," + serverFirst + "," + clientFinal.withoutProof())
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = mechanism.hmac(credential.storedKey(), authMessage);
        byte[] proof = clientFinal.proof();
        if (proof.length != clientSignature.length) {
            throw SaslFailure.internal("Invalid client proof length " + proof.length);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean proven = MessageDigest.isEqual(mechanism.hash(clientKey), credential.storedKey());
        Arrays.fill(clientKey, (byte) 0);
        if (doomed != null) {
            throw SaslFailure.internal("Authentication failed: " + doomed);
        }
        if (!proven) {
            throw SaslFailure.internal("Invalid client credentials");
        }
        if (legacyNonce) {
            log.debug("{} authenticated with librdkafka's legacy nonce (librdkafka before 2.6.1)", clientFirst.username());
        }
        byte[] serverSignature = mechanism.hmac(credential.serverKey(), authMessage);
        credential = null;
        state = State.COMPLETE;
        return ScramMessages.serverFinal(serverSignature).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    @Override
    public String authorizationId() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("SCRAM exchange not complete");
        }
        return clientFirst.username();
    }

    /** A credential no password matches, with a salt that depends only on the user (stable across attempts). */
    private ScramCredential madeUp(String user) {
        byte[] salt = Arrays.copyOf(mechanism.hmac(UNKNOWN_USER_KEY, user.getBytes(StandardCharsets.UTF_8)), 32);
        return new ScramCredential(salt, randomBytes(mechanism.keyLength()), randomBytes(mechanism.keyLength()),
                ScramMechanism.MIN_ITERATIONS);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
