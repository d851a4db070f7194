package io.samsa.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The TLS runs' certificates, made once per run with the JDK's {@code keytool} (the steps of samsa-testkit's
 * TestCertificates, which this module does not depend on): a CA, and a server certificate it signed for
 * {@code CN=localhost} with SAN {@code IP:127.0.0.1,DNS:localhost}; a PKCS12 keystore with the server's key and chain
 * and a PKCS12 trust store with the CA. EC P-256 keys (ECDSA signatures) or RSA 2048, valid for two days. Both brokers
 * are given these same files. Immutable once made.
 */
final class BenchCertificates {
    static final String PASSWORD = "samsa-bench";

    final Path dir;
    final Path truststore;
    final Path serverKeystore;
    /** "EC" (secp256r1) or "RSA" (2048 bits): the server key, whose signature is most of a full handshake's cost. */
    final String keyAlgorithm;

    private BenchCertificates(Path dir, String keyAlgorithm) {
        this.dir = dir;
        this.truststore = dir.resolve("truststore.p12");
        this.serverKeystore = dir.resolve("server.p12");
        this.keyAlgorithm = keyAlgorithm;
    }

    /** Makes the CA, the server keystore and the trust store in {@code dir} (some seconds: a JVM per keytool step). */
    static BenchCertificates create(Path dir, String keyAlgorithm) {
        BenchCertificates c = new BenchCertificates(dir, keyAlgorithm);
        try {
            Files.createDirectories(dir);
            Path ca = dir.resolve("ca.p12");
            Path caPem = dir.resolve("ca.pem");
            Path csr = dir.resolve("server.csr");
            Path cert = dir.resolve("server.pem");
            c.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Samsa Bench CA", "-ext", "bc:c", "-keystore", ca);
            c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caPem);
            c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", c.truststore);
            c.keytool("-genkeypair", "-alias", "server", "-dname", "CN=localhost", "-keystore", c.serverKeystore);
            c.keytool("-certreq", "-alias", "server", "-keystore", c.serverKeystore, "-file", csr);
            c.keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-infile", csr, "-outfile", cert, "-ext",
                    "SAN=IP:127.0.0.1,DNS:localhost");
            c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", c.serverKeystore);
            c.keytool("-importcert", "-alias", "server", "-file", cert, "-keystore", c.serverKeystore);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** The broker's TLS settings, Kafka's keys (top level: they apply to the SSL listener). */
    Properties serverProperties() {
        Properties p = new Properties();
        p.setProperty("ssl.keystore.type", "PKCS12");
        p.setProperty("ssl.keystore.location", serverKeystore.toAbsolutePath().toString());
        p.setProperty("ssl.keystore.password", PASSWORD);
        p.setProperty("ssl.key.password", PASSWORD);
        p.setProperty("ssl.truststore.type", "PKCS12");
        p.setProperty("ssl.truststore.location", truststore.toAbsolutePath().toString());
        p.setProperty("ssl.truststore.password", PASSWORD);
        return p;
    }

    /** A client's settings for the SSL listener: trust the CA, present no certificate. */
    Properties clientProperties() {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SSL");
        p.setProperty("ssl.truststore.type", "PKCS12");
        p.setProperty("ssl.truststore.location", truststore.toAbsolutePath().toString());
        p.setProperty("ssl.truststore.password", PASSWORD);
        return p;
    }

    /** "EC P-256" or "RSA 2048", for the report. */
    String keyDescription() {
        return keyAlgorithm.equals("RSA") ? "RSA 2048" : "EC P-256";
    }

    private void keytool(Object... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (cmd.contains("-genkeypair")) {
            cmd.addAll(keyAlgorithm.equals("RSA") ? List.of("-keyalg", "RSA", "-keysize", "2048")
                    : List.of("-keyalg", "EC", "-groupname", "secp256r1"));
            cmd.addAll(List.of("-validity", "2"));
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
