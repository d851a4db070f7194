/**
 * Who is calling: the {@link io.samsa.network.auth.Authenticator} slot a connection passes through before its
 * first request, the {@link io.samsa.network.auth.Principal} it yields ({@code User:ANONYMOUS} on plaintext), and
 * Kafka's {@link io.samsa.network.auth.SecurityProtocol} names, and {@link io.samsa.network.auth.JaasConfig}, the
 * parser of {@code sasl.jaas.config}. SASL is in {@code auth.sasl} (the authenticator, PLAIN) and
 * {@code auth.scram}.
 */
package io.samsa.network.auth;
