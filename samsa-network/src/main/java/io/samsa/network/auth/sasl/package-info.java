/**
 * SASL on the server side (SASL_PLAINTEXT, SASL_SSL listeners): {@link io.samsa.network.auth.sasl.SaslServerAuthenticator}
 * runs Kafka's exchange (ApiVersions, SaslHandshake, SaslAuthenticate) in a connection's AUTHENTICATING state and
 * yields {@code User:<name>}; {@link io.samsa.network.auth.SaslMechanismServer} is one mechanism's side
 * (PLAIN here, SCRAM in {@code auth.scram}); {@link io.samsa.network.auth.sasl.ApiVersionsResponder} is the hook
 * to the broker's ApiVersions answer. Everything runs on the connection's network thread.
 */
package io.samsa.network.auth.sasl;
