/**
 * How the broker's listeners secure their connections: each listener's transport and authenticator made from its
 * settings ({@link io.samsa.broker.security.ListenerChannels}: TLS with the listener's {@code ssl.*}, SASL with its
 * enabled mechanisms), and the SCRAM credentials of the metadata image as the SASL servers see them
 * ({@link io.samsa.broker.security.MetadataScramCredentials}). The mechanisms themselves live in samsa-network.
 */
package io.samsa.broker.security;
