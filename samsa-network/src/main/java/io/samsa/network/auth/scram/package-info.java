/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677, Kafka's KIP-84) over the mechanisms' key derivation in
 * {@link io.samsa.protocol.ScramMechanism} (shared with the metadata controller, which stores credentials): the
 * stored {@link io.samsa.network.auth.scram.ScramCredential}, where the server looks credentials up
 * ({@link io.samsa.network.auth.scram.ScramCredentialStore}), the server side of an exchange
 * ({@link io.samsa.network.auth.scram.ScramServer}), which also accepts librdkafka's legacy client nonce, and the
 * client side ({@link io.samsa.network.auth.scram.ScramClient}).
 */
package io.samsa.network.auth.scram;
