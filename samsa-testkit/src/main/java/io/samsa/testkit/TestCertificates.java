package io.samsa.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the JDK's {@code keytool}: a CA; a server certificate it signed for
 * {@code CN=localhost} with SAN {@code IP:127.0.0.1,DNS:localhost}; a client certificate it signed for
 * {@code CN=alice,OU=test}. As PKCS12 stores (password {@link #PASSWORD}) and as PEM: the CA (for kcat, kafkajs),
 * the server's chain and its unencrypted PKCS#8 key (for a PEM keystore). EC P-256 keys, valid for two days.
 *
 * <p>{@link #shared()} makes one set per JVM (keytool runs a JVM per step, some seconds in all); the files live
 * in a temporary directory. Immutable; thread-safe.
 */
public final class TestCertificates {
    public static final String PASSWORD = "samsa-test";

    private static TestCertificates shared;

    /** Directory holding every file below. */
    public final Path dir;
    /** The CA's certificate, PEM. */
    public final Path caPem;
    /** Trust store (PKCS12) with the CA. */
    public final Path truststore;
    /** Server key and chain (PKCS12), alias {@code server}. */
    public final Path serverKeystore;
    /** Client key and chain for {@code CN=alice,OU=test} (PKCS12), alias {@code client}. */
    public final Path clientKeystore;
    /** The server's chain (server, then CA), PEM. */
    public final Path serverChainPem;
    /** The server's private key, unencrypted PKCS#8 PEM. */
    public final Path serverKeyPem;
    /** The client's chain (client, then CA), PEM. */
    public final Path clientChainPem;
    /** The client's private key, unencrypted PKCS#8 PEM. */
    public final Path clientKeyPem;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.truststore = dir.resolve("truststore.p12");
        this.serverKeystore = dir.resolve("server.p12");
        this.clientKeystore = dir.resolve("client.p12");
        this.serverChainPem = dir.resolve("server-chain.pem");
        this.serverKeyPem = dir.resolve("server-key.pem");
        this.clientChainPem = dir.resolve("client-chain.pem");
        this.clientKeyPem = dir.resolve("client-key.pem");
    }

    /** One set per JVM, made on first use. */
    public static synchronized TestCertificates shared() {
        if (shared == null) {
            try {
                shared = create(Files.createTempDirectory("samsa-certs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Makes a new set in {@code dir}. */
    public static TestCertificates create(Path dir) {
        TestCertificates c = new TestCertificates(dir);
        try {
            c.generate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** Settings of a broker listener with the PKCS12 server keystore and the CA as trust store. */
    public Map<String, String> serverConfigs() {
        Map<String, String> m = new HashMap<>();
        m.put("ssl.keystore.type", "PKCS12");
        m.put("ssl.keystore.location", serverKeystore.toString());
        m.put("ssl.keystore.password", PASSWORD);
        m.put("ssl.key.password", PASSWORD);
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.location", truststore.toString());
        m.put("ssl.truststore.password", PASSWORD);
        return m;
    }

    /** Settings of a client that trusts the CA and presents no certificate. */
    public Map<String, String> clientConfigs() {
        Map<String, String> m = new HashMap<>();
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.location", truststore.toString());
        m.put("ssl.truststore.password", PASSWORD);
        return m;
    }

    /** {@link #clientConfigs()} plus the {@code CN=alice,OU=test} keystore, for mutual TLS. */
    public Map<String, String> mutualClientConfigs() {
        Map<String, String> m = clientConfigs();
        m.put("ssl.keystore.type", "PKCS12");
        m.put("ssl.keystore.location", clientKeystore.toString());
        m.put("ssl.keystore.password", PASSWORD);
        m.put("ssl.key.password", PASSWORD);
        return m;
    }

    /** {@code configs} as properties-file lines ({@code --command-config}, {@code server.properties}). */
    public static String asProperties(Map<String, String> configs) {
        StringBuilder sb = new StringBuilder();
        configs.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    private void generate() throws IOException {
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Samsa Test CA", "-ext", "bc:c", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caPem);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", truststore);
        signed("server", "CN=localhost", "SAN=IP:127.0.0.1,DNS:localhost", serverKeystore, serverChainPem,
                serverKeyPem, ca);
        signed("client", "CN=alice,OU=test", null, clientKeystore, clientChainPem, clientKeyPem, ca);
    }

    /** A key pair in {@code store}, its certificate signed by the CA in {@code ca}, and the PEM exports. */
    private void signed(String alias, String dname, String san, Path store, Path chainPem, Path keyPem, Path ca)
            throws IOException {
        Path csr = dir.resolve(alias + ".csr");
        Path cert = dir.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-dname", dname, "-keystore", store);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", csr);
        List<Object> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca,
                "-infile", csr, "-outfile", cert));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", store);
        keytool("-importcert", "-alias", alias, "-file", cert, "-keystore", store);
        Files.writeString(chainPem, Files.readString(cert) + Files.readString(caPem));
        Files.writeString(keyPem, privateKeyPem(store, alias));
    }

    private static String privateKeyPem(Path store, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            Key key = ks.getKey(alias, PASSWORD.toCharArray());
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded());
            return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void keytool(Object... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        boolean creates = cmd.contains("-genkeypair");
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (creates) {
            cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        if (cmd.contains("-gencert")) {
            cmd.addAll(List.of("-validity", "2"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
