/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677, Kafka's KIP-84): the mechanisms and their functions
 * ({@link io.samsa.network.auth.scram.ScramMechanism}, also used to make the credentials the metadata stores), the
 * stored {@link io.samsa.network.auth.scram.ScramCredential}, where the server looks credentials up
 * ({@link io.samsa.network.auth.scram.ScramCredentialStore}) and the server side of an exchange
 * ({@link io.samsa.network.auth.scram.ScramServer}), which also accepts librdkafka's legacy client nonce.
 */
package io.samsa.network.auth.scram;
