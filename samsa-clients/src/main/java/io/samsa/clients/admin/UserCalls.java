package io.samsa.clients.admin;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.ScramMechanism;

/**
 * The SCRAM-user side of {@link SamsaAdmin} (KIP-554): DescribeUserScramCredentials and AlterUserScramCredentials
 * on any broker. The password never leaves this process: like Kafka's Admin, a random salt and the salted password
 * {@code Hi(password, salt, iterations)} are sent, and the controller keeps only the keys derived from them.
 * Not thread-safe; {@link SamsaAdmin} serializes calls.
 */
final class UserCalls {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminChannel channel;

    UserCalls(AdminChannel channel) {
        this.channel = channel;
    }

    /** Every user with SCRAM credentials, sorted by name, each with its credentials. */
    Map<String, List<UserCredential>> list(long deadlineMs) {
        DescribeUserScramCredentialsResponseData r = channel.call(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
                v -> new DescribeUserScramCredentialsRequestData().setUsers(null), deadlineMs);
        check(r.errorCode(), r.errorMessage());
        Map<String, List<UserCredential>> users = new TreeMap<>();
        for (DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult u : r.results()) {
            check(u.errorCode(), u.errorMessage());
            List<UserCredential> credentials = new ArrayList<>();
            u.credentialInfos().forEach(c -> {
                ScramMechanism m = ScramMechanism.forType(c.mechanism());
                credentials.add(new UserCredential(m == null ? "UNKNOWN(" + c.mechanism() + ")" : m.mechanismName(),
                        c.iterations()));
            });
            users.put(u.user(), List.copyOf(credentials));
        }
        return users;
    }

    /** Adds or replaces the user's credential for {@code mechanism} ({@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}). */
    void upsert(String user, String mechanism, String password, int iterations, long deadlineMs) {
        ScramMechanism m = mechanism(mechanism);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("The password must not be empty");
        }
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        request.upsertions().add(new AlterUserScramCredentialsRequestData.ScramCredentialUpsertion().setName(user)
                .setMechanism(m.type()).setIterations(iterations).setSalt(salt)
                .setSaltedPassword(m.saltedPassword(password, salt, iterations)));
        alter(request, deadlineMs);
    }

    /** Deletes the user's credential for {@code mechanism}; ResourceNotFoundException if it has none. */
    void delete(String user, String mechanism, long deadlineMs) {
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        request.deletions().add(new AlterUserScramCredentialsRequestData.ScramCredentialDeletion().setName(user)
                .setMechanism(mechanism(mechanism).type()));
        alter(request, deadlineMs);
    }

    private void alter(AlterUserScramCredentialsRequestData request, long deadlineMs) {
        AlterUserScramCredentialsResponseData r = channel.call(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, v -> request,
                deadlineMs);
        for (AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult u : r.results()) {
            check(u.errorCode(), u.errorMessage());
        }
    }

    private static ScramMechanism mechanism(String name) {
        ScramMechanism m = ScramMechanism.forName(name);
        if (m == null) {
            throw new IllegalArgumentException("Unknown SCRAM mechanism " + name + " (SCRAM-SHA-256, SCRAM-SHA-512)");
        }
        return m;
    }

    private static void check(short errorCode, String message) {
        Errors error = Errors.forCode(errorCode);
        if (error != Errors.NONE) {
            throw error.exception(message == null || message.isBlank() ? error.message() : message);
        }
    }
}
