package io.samsa.clients.admin;

/** One SCRAM credential of a user as the brokers describe it: the mechanism's name and its iteration count. */
public record UserCredential(String mechanism, int iterations) {
}
