package io.samsa.network.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Makes {@link SSLEngine}s from Kafka's {@code ssl.*} settings, for one side: a broker listener (server mode) or
 * a client (client mode). Everything is loaded and checked when it is built, so a bad setting fails the broker's
 * start (or the client's construction) with an {@link IllegalArgumentException} naming the key.
 *
 * <p>Keys read: {@code ssl.keystore.type} (PKCS12 by default, JKS, PEM), {@code ssl.keystore.location},
 * {@code ssl.keystore.password}, {@code ssl.key.password}, {@code ssl.keystore.certificate.chain} and
 * {@code ssl.keystore.key} (PEM text); {@code ssl.truststore.type}, {@code ssl.truststore.location},
 * {@code ssl.truststore.password}, {@code ssl.truststore.certificates} (PEM text); {@code ssl.protocol} (TLSv1.3),
 * {@code ssl.enabled.protocols} (TLSv1.2,TLSv1.3), {@code ssl.cipher.suites}; server side
 * {@code ssl.client.auth} (none, requested, required); client side {@code ssl.endpoint.identification.algorithm}
 * (https: the broker's certificate must name the host connected to; empty turns that off).
 *
 * <p>Immutable after construction; {@link #createEngine} may be called from any thread.
 */
public final class SslFactory {
    /** How a server asks for client certificates ({@code ssl.client.auth}). */
    public enum ClientAuth { NONE, REQUESTED, REQUIRED }

    private final boolean serverMode;
    private final SSLContext context;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final ClientAuth clientAuth;
    private final String endpointIdentification;
    /** Null without a keystore. */
    private final X509KeyManager keyManager;
    private final X509TrustManager trustManager;

    private SslFactory(boolean serverMode, Map<String, String> configs) {
        this.serverMode = serverMode;
        String protocol = value(configs, "ssl.protocol", "TLSv1.3");
        KeyManager[] keyManagers = keyManagers(configs);
        if (serverMode && keyManagers == null) {
            throw new IllegalArgumentException("ssl.keystore.location (or ssl.keystore.key and "
                    + "ssl.keystore.certificate.chain with ssl.keystore.type=PEM) is required on an SSL listener");
        }
        try {
            this.context = SSLContext.getInstance(protocol);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl.protocol: unsupported protocol " + protocol, e);
        }
        TrustManager[] trustManagers = trustManagers(configs);
        this.keyManager = keyManagers == null ? null : first(X509KeyManager.class, keyManagers);
        this.trustManager = first(X509TrustManager.class, trustManagers != null ? trustManagers : defaultTrust());
        try {
            context.init(keyManagers, trustManagers, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl: cannot initialize the TLS context: " + e.getMessage(), e);
        }
        List<String> supportedProtocols = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        this.protocols = list(value(configs, "ssl.enabled.protocols", "TLSv1.2,TLSv1.3"));
        for (String p : protocols) {
            if (!supportedProtocols.contains(p)) {
                throw new IllegalArgumentException("ssl.enabled.protocols: unsupported protocol " + p
                        + " (supported: " + supportedProtocols + ")");
            }
        }
        if (protocols.length == 0) {
            throw new IllegalArgumentException("ssl.enabled.protocols: at least one protocol is needed");
        }
        this.cipherSuites = list(value(configs, "ssl.cipher.suites", ""));
        List<String> supportedSuites = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        for (String s : cipherSuites) {
            if (!supportedSuites.contains(s)) {
                throw new IllegalArgumentException("ssl.cipher.suites: unsupported cipher suite " + s);
            }
        }
        this.clientAuth = clientAuth(value(configs, "ssl.client.auth", "none"));
        this.endpointIdentification = value(configs, "ssl.endpoint.identification.algorithm", "https");
    }

    /** For a broker listener: a keystore is required. */
    public static SslFactory forServer(Map<String, String> configs) {
        return new SslFactory(true, configs);
    }

    /** For a client: the truststore decides whom to trust (the JDK's default CAs when none is set). */
    public static SslFactory forClient(Map<String, String> configs) {
        return new SslFactory(false, configs);
    }

    /**
     * A new engine for one connection; {@code peerHost} is what the client connected to (checked against the
     * broker's certificate), or the client's address on the server side.
     */
    public SSLEngine createEngine(String peerHost, int peerPort) {
        SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(!serverMode);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols);
        if (cipherSuites.length > 0) {
            params.setCipherSuites(cipherSuites);
        }
        if (serverMode) {
            if (clientAuth == ClientAuth.REQUIRED) {
                params.setNeedClientAuth(true);
            } else if (clientAuth == ClientAuth.REQUESTED) {
                params.setWantClientAuth(true);
            }
        } else if (!endpointIdentification.isEmpty()) {
            params.setEndpointIdentificationAlgorithm(endpointIdentification.toUpperCase(Locale.ROOT));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /**
     * The keystore's key manager, for a TLS stack other than {@link SSLEngine}s made here (the metadata quorum's
     * gRPC); null when no keystore is configured.
     */
    public X509KeyManager keyManager() {
        return keyManager;
    }

    /** The truststore's trust manager; without a truststore, the JDK's default CAs (as {@link #createEngine}). */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** {@code ssl.enabled.protocols}. */
    public List<String> enabledProtocols() {
        return List.of(protocols);
    }

    /** {@code ssl.cipher.suites}; empty: the TLS stack's defaults. */
    public List<String> cipherSuites() {
        return List.of(cipherSuites);
    }

    /** {@code ssl.client.auth} (server side). */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** {@code ssl.endpoint.identification.algorithm}, trimmed; empty when the check is off (client side). */
    public String endpointIdentification() {
        return endpointIdentification;
    }

    private static <T> T first(Class<T> type, Object[] managers) {
        for (Object m : managers) {
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new IllegalArgumentException("ssl: no " + type.getSimpleName() + " among " + Arrays.toString(managers));
    }

    private static TrustManager[] defaultTrust() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store: " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(Map<String, String> configs) {
        String type = value(configs, "ssl.keystore.type", "PKCS12");
        String location = value(configs, "ssl.keystore.location", "");
        String password = configs.get("ssl.keystore.password");
        String keyPassword = configs.get("ssl.key.password");
        KeyStore store;
        char[] keyChars;
        if (type.equalsIgnoreCase("PEM")) {
            String chain = value(configs, "ssl.keystore.certificate.chain", "");
            String key = value(configs, "ssl.keystore.key", "");
            String keyName = "ssl.keystore.key";
            String chainName = "ssl.keystore.certificate.chain";
            if (chain.isEmpty() && key.isEmpty()) {
                if (location.isEmpty()) {
                    return null;
                }
                chain = key = read(location, "ssl.keystore.location");
                keyName = chainName = "ssl.keystore.location";
            } else if (chain.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("ssl.keystore.key and ssl.keystore.certificate.chain must be set "
                        + "together");
            } else if (!location.isEmpty()) {
                throw new IllegalArgumentException("ssl.keystore.location must not be set with ssl.keystore.key");
            }
            if (password != null) {
                throw new IllegalArgumentException("ssl.keystore.password must not be set with ssl.keystore.type=PEM "
                        + "(the key's password is ssl.key.password)");
            }
            PrivateKey privateKey = PemKeys.privateKey(key, keyPassword, keyName);
            List<Certificate> certs = PemKeys.certificates(chain, chainName);
            keyChars = new char[0];
            store = emptyStore();
            try {
                store.setKeyEntry("samsa", privateKey, keyChars, certs.toArray(new Certificate[0]));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(keyName + ": the key does not match the certificate chain: "
                        + e.getMessage(), e);
            }
        } else {
            if (location.isEmpty()) {
                return null;
            }
            store = load(type, location, password, "ssl.keystore");
            keyChars = (keyPassword != null ? keyPassword : password == null ? "" : password).toCharArray();
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, keyChars);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl.key.password: cannot read the keystore's key: " + e.getMessage(), e);
        }
    }

    /** Null (the JDK's default CAs) when no truststore is configured. */
    private static TrustManager[] trustManagers(Map<String, String> configs) {
        String type = value(configs, "ssl.truststore.type", "PKCS12");
        String location = value(configs, "ssl.truststore.location", "");
        String certificates = value(configs, "ssl.truststore.certificates", "");
        KeyStore store;
        if (type.equalsIgnoreCase("PEM")) {
            String pem;
            String name;
            if (!certificates.isEmpty()) {
                if (!location.isEmpty()) {
                    throw new IllegalArgumentException(
                            "ssl.truststore.location must not be set with ssl.truststore.certificates");
                }
                pem = certificates;
                name = "ssl.truststore.certificates";
            } else if (!location.isEmpty()) {
                pem = read(location, "ssl.truststore.location");
                name = "ssl.truststore.location";
            } else {
                return null;
            }
            store = emptyStore();
            int i = 0;
            for (Certificate c : PemKeys.certificates(pem, name)) {
                try {
                    store.setCertificateEntry("ca-" + i++, c);
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
                }
            }
        } else {
            if (!certificates.isEmpty()) {
                throw new IllegalArgumentException("ssl.truststore.certificates needs ssl.truststore.type=PEM");
            }
            if (location.isEmpty()) {
                return null;
            }
            store = load(type, location, configs.get("ssl.truststore.password"), "ssl.truststore");
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl.truststore: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String type, String location, String password, String prefix) {
        KeyStore store;
        try {
            store = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(prefix + ".type: unsupported keystore type " + type, e);
        }
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(prefix + ".location: cannot load " + location + " as " + type
                    + " (wrong " + prefix + ".password?): " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String location, String key) {
        try {
            return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + location + ": " + e, e);
        }
    }

    private static ClientAuth clientAuth(String value) {
        try {
            return ClientAuth.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ssl.client.auth: " + value + " is not one of none, requested, required");
        }
    }

    private static String value(Map<String, String> configs, String key, String dflt) {
        String v = configs.get(key);
        return v == null ? dflt : v.trim();
    }

    private static String[] list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
