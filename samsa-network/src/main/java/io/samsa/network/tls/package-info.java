/**
 * TLS for broker listeners and clients: {@link io.samsa.network.tls.SslTransport}, a non-blocking
 * {@link io.samsa.network.transport.TransportLayer} over the JDK's {@code SSLEngine};
 * {@link io.samsa.network.tls.SslFactory}, which builds engines from Kafka's {@code ssl.*} settings (PKCS12, JKS,
 * PEM); and the principal of a client certificate ({@link io.samsa.network.tls.SslPrincipalMapper} for
 * {@code ssl.principal.mapping.rules}, {@link io.samsa.network.tls.SslPrincipalAuthenticator} for SSL
 * listeners). The listener's {@code ChannelBuilder} that puts them together is
 * {@code io.samsa.network.server.SslChannelBuilder}.
 */
package io.samsa.network.tls;
