package io.samsa.metadata.quorum;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * TLS on the metadata quorum (a CONTROLLER listener mapped to SSL): the Ratis gRPC server of a voter and every Ratis
 * client of the node (to peers, controller calls, an observer's feed) speak TLS with these managers. The caller
 * builds them from the listener's {@code ssl.*} settings; this package knows no broker configuration.
 * <p>
 * Ratis asks for a client certificate either always or never ({@code mutual}); when {@code mutual}, its clients show
 * the key manager's certificate too. The voter's address is checked against its certificate (gRPC always asks for
 * HTTPS identification) unless {@code checkHostname} is off, which only skips that name check: the chain must still
 * lead to a trusted CA. Immutable.
 *
 * @param keyManager    this node's certificate and key (required on a voter: it is the server's certificate); null
 *                      on an observer without a keystore
 * @param trustManager  whom this node trusts: the servers it connects to and, when {@code mutual}, its clients
 * @param mutual        the server requires a client certificate, and clients show {@code keyManager}'s
 * @param checkHostname clients check that the voter's certificate names the host they connected to
 * @param protocols     the TLS versions spoken (e.g. TLSv1.3); empty: gRPC's choice
 * @param cipherSuites  the cipher suites offered, by their JSSE names; empty: gRPC's choice
 */
public record QuorumTls(X509KeyManager keyManager, X509TrustManager trustManager, boolean mutual,
                        boolean checkHostname, List<String> protocols, List<String> cipherSuites) {
    public QuorumTls {
        Objects.requireNonNull(trustManager, "trustManager");
        if (mutual && keyManager == null) {
            throw new IllegalArgumentException("mutual TLS needs a key manager (this node's certificate)");
        }
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** With gRPC's TLS versions and cipher suites. */
    public QuorumTls(X509KeyManager keyManager, X509TrustManager trustManager, boolean mutual, boolean checkHostname) {
        this(keyManager, trustManager, mutual, checkHostname, List.of(), List.of());
    }

    /** Ratis parameters that put its gRPC servers and clients on TLS; empty parameters for {@code tls == null}. */
    static Parameters parameters(QuorumTls tls) {
        Parameters p = new Parameters();
        if (tls != null) {
            X509TrustManager trust = tls.checkHostname ? tls.trustManager : new NoHostnameCheck(tls.trustManager);
            GrpcTlsConfig.Builder b = GrpcTlsConfig.newBuilder().setTrustManager(trust).setMutualTls(tls.mutual);
            if (tls.keyManager != null) {
                b.setKeyManager(tls.keyManager);
            }
            if (!tls.protocols.isEmpty()) {
                b.setProtocols(tls.protocols);
            }
            if (!tls.cipherSuites.isEmpty()) {
                b.setCipherSuites(tls.cipherSuites);
            }
            GrpcConfigKeys.TLS.setConf(p, b.build());
        }
        return p;
    }

    /**
     * Trusts what the delegate trusts, without the host name check ({@code ssl.endpoint.identification.algorithm}
     * empty). Extended, so that the JDK does not add the check back around a plain X509TrustManager.
     */
    private static final class NoHostnameCheck extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        NoHostnameCheck(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
