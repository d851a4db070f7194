package io.samsa.network.auth.scram;

import io.samsa.protocol.ScramMechanism;

/**
 * Where a SCRAM exchange looks up a user's credential: the broker's metadata image. Called on a network thread
 * during authentication, so it must answer from memory and be thread-safe.
 */
@FunctionalInterface
public interface ScramCredentialStore {

    /** The credential of {@code user} for {@code mechanism}; null if the user has none. */
    ScramCredential credential(String user, ScramMechanism mechanism);
}
