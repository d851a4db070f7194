/**
 * Who is calling: the server's {@link io.samsa.network.auth.Authenticator} slot a connection passes through before
 * its first request, the {@link io.samsa.network.auth.Principal} it yields ({@code User:ANONYMOUS} on plaintext),
 * the client's {@link io.samsa.network.auth.ClientAuthenticator}, Kafka's
 * {@link io.samsa.network.auth.SecurityProtocol} names, {@link io.samsa.network.auth.JaasConfig} (the parser of
 * {@code sasl.jaas.config}), and the SASL mechanism interfaces both sides implement
 * ({@link io.samsa.network.auth.SaslMechanismServer}, {@link io.samsa.network.auth.SaslMechanismClient},
 * {@link io.samsa.network.auth.SaslFailure}). The SASL exchange and PLAIN are in {@code auth.sasl}, SCRAM in
 * {@code auth.scram} (which depends on this package only).
 */
package io.samsa.network.auth;
