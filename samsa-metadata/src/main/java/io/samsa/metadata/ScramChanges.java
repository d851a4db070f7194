package io.samsa.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.protocol.Errors;

import io.samsa.metadata.ControllerApi.AlterScramCredentials;
import io.samsa.metadata.ControllerApi.ScramDeletion;
import io.samsa.metadata.ControllerApi.ScramUpsertion;
import io.samsa.metadata.ControllerApi.UserOutcome;
import io.samsa.protocol.ScramMechanism;

/**
 * Turns an AlterUserScramCredentials request into records and a per-user outcome, with Kafka's controller rules
 * and messages: one change per user per request (a second one fails the user with DUPLICATE_RESOURCE), an empty
 * user name or an iteration count outside 4096–16384 is UNACCEPTABLE_CREDENTIAL, an unknown mechanism
 * UNSUPPORTED_SASL_MECHANISM, deleting a credential that does not exist RESOURCE_NOT_FOUND. A failed user's
 * changes are not written; the other users' are. The salted password a client sent becomes the stored and server
 * keys here and goes no further.
 */
final class ScramChanges {
    private static final String TWICE = "A user credential cannot be altered twice in the same request";

    record Plan(List<MetadataRecord> records, Map<String, UserOutcome> outcomes) {
    }

    private ScramChanges() {
    }

    static Plan plan(ScramImage current, AlterScramCredentials request) {
        Map<String, ScramDeletion> deletions = new LinkedHashMap<>();
        Map<String, ScramUpsertion> upsertions = new LinkedHashMap<>();
        Map<String, UserOutcome> failed = new LinkedHashMap<>();
        for (ScramDeletion d : request.deletions()) {
            if (failed.containsKey(d.user())) {
                continue;
            }
            UserOutcome error = deletions.remove(d.user()) != null ? fail(Errors.DUPLICATE_RESOURCE, TWICE)
                    : validateDeletion(current, d);
            if (error != null) {
                failed.put(d.user(), error);
            } else {
                deletions.put(d.user(), d);
            }
        }
        for (ScramUpsertion u : request.upsertions()) {
            if (failed.containsKey(u.user())) {
                continue;
            }
            boolean twice = deletions.remove(u.user()) != null | upsertions.remove(u.user()) != null;
            UserOutcome error = twice ? fail(Errors.DUPLICATE_RESOURCE, TWICE) : validateUpsertion(u);
            if (error != null) {
                failed.put(u.user(), error);
            } else {
                upsertions.put(u.user(), u);
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, UserOutcome> outcomes = new LinkedHashMap<>();
        deletions.values().forEach(d -> {
            records.add(new RemoveScramCredentialRecord(d.user(), d.mechanism()));
            outcomes.put(d.user(), UserOutcome.OK);
        });
        upsertions.values().forEach(u -> {
            records.add(credential(u));
            outcomes.put(u.user(), UserOutcome.OK);
        });
        outcomes.putAll(failed);
        return new Plan(records, outcomes);
    }

    private static ScramCredentialRecord credential(ScramUpsertion u) {
        ScramMechanism m = ScramMechanism.forType(u.mechanism());
        byte[] salted = u.saltedPassword();
        return new ScramCredentialRecord(u.user(), u.mechanism(), u.salt(), m.storedKey(m.clientKey(salted)),
                m.serverKey(salted), u.iterations());
    }

    private static UserOutcome validateDeletion(ScramImage current, ScramDeletion d) {
        UserOutcome error = validateUserAndMechanism(d.user(), d.mechanism());
        if (error == null && current.credential(d.user(), d.mechanism()) == null) {
            error = fail(Errors.RESOURCE_NOT_FOUND, "Attempt to delete a user credential that does not exist");
        }
        return error;
    }

    private static UserOutcome validateUpsertion(ScramUpsertion u) {
        UserOutcome error = validateUserAndMechanism(u.user(), u.mechanism());
        if (error != null) {
            return error;
        }
        if (u.iterations() < ScramMechanism.MIN_ITERATIONS) {
            return fail(Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        }
        if (u.iterations() > ScramMechanism.MAX_ITERATIONS) {
            return fail(Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        }
        if (u.salt() == null || u.salt().length == 0 || u.saltedPassword() == null
                || u.saltedPassword().length == 0) {
            return fail(Errors.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
        }
        return null;
    }

    private static UserOutcome validateUserAndMechanism(String user, byte mechanism) {
        if (user.isEmpty()) {
            return fail(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (ScramMechanism.forType(mechanism) == null) {
            return fail(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
        }
        return null;
    }

    private static UserOutcome fail(Errors error, String message) {
        return new UserOutcome(error, message);
    }
}
