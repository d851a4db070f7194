/**
 * Who is calling: the {@link io.samsa.network.auth.Authenticator} slot a connection passes through before its
 * first request, the {@link io.samsa.network.auth.Principal} it yields ({@code User:ANONYMOUS} on plaintext), and
 * Kafka's {@link io.samsa.network.auth.SecurityProtocol} names. SASL mechanisms will be authenticators here.
 */
package io.samsa.network.auth;
