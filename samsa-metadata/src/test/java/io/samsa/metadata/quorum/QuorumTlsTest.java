package io.samsa.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

import io.samsa.metadata.MetadataStateMachine;
import io.samsa.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata quorum over TLS, on real Ratis voters on loopback: voters that trust each other's CA form a quorum
 * and serve observers that do; a plaintext client, a client trusting another CA and a client without a certificate
 * (mutual TLS) learn nothing, nor does one limited to a TLS version the voters do not speak; the voter's address must
 * be named by its certificate unless the check is off.
 */
class QuorumTlsTest {
    /** How long a client that must not get in is given (a trusted observer loads the image well within it). */
    private static final long REFUSED_FOR_MS = 5_000;

    @TempDir
    Path dir;
    private QuorumTestCluster cluster;
    private final List<QuorumObserver> observers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (QuorumObserver o : observers) {
            o.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void mutualTlsQuorumServesTrustedObserversOnly() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        cluster = new QuorumTestCluster(dir, 3, 10_000, 8 << 20, "127.0.0.1", tls(certs, true, true));
        QuorumTestCluster.Member leader = cluster.awaitActive();
        long offset = leader.log.append(RatisMetadataLogTest.topic("secured", 2)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        cluster.imagesAt(offset);

        MetadataStateMachine plaintext = observe(100, null);
        MetadataStateMachine foreignCa = observe(101, tls(TestCertificates.create(
                Files.createDirectory(dir.resolve("other-ca"))), true, true));
        MetadataStateMachine noCertificate = observe(102, new QuorumTls(null, trust(certs), false, true));
        MetadataStateMachine trusted = observe(103, tls(certs, true, true));

        QuorumTestCluster.await(() -> trusted.image().offset() >= offset, "the trusted observer's image");
        assertThat(trusted.image().topics().get("secured").partitionCount()).isEqualTo(2);
        Thread.sleep(REFUSED_FOR_MS);
        assertThat(plaintext.image().offset()).as("plaintext observer").isEqualTo(-1);
        assertThat(foreignCa.image().offset()).as("observer trusting another CA").isEqualTo(-1);
        assertThat(noCertificate.image().offset()).as("observer without a certificate").isEqualTo(-1);
        assertThat(observers.get(0).leaderId()).isEqualTo(-1);
    }

    /** 127.0.0.2 is loopback too, but the server certificate names only 127.0.0.1 and localhost. */
    @Test
    void voterCertificateMustNameItsAddressUnlessTheCheckIsOff() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        cluster = new QuorumTestCluster(dir.resolve("checked"), 3, 10_000, 8 << 20, "127.0.0.2",
                tls(certs, false, true));
        Thread.sleep(REFUSED_FOR_MS);
        assertThat(cluster.members.values()).as("members that lead").noneMatch(m -> m.log.isActive());
        cluster.close();

        cluster = new QuorumTestCluster(dir.resolve("unchecked"), 3, 10_000, 8 << 20, "127.0.0.2",
                tls(certs, false, false));
        QuorumTestCluster.Member leader = cluster.awaitActive();
        long offset = leader.log.append(RatisMetadataLogTest.topic("unchecked", 1)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(cluster.imagesAt(offset)).hasSize(3);
    }

    @Test
    void clientOfAnotherTlsVersionLearnsNothing() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        cluster = new QuorumTestCluster(dir, 3, 10_000, 8 << 20, "127.0.0.1", withProtocols(tls(certs, true, true),
                "TLSv1.2"));
        QuorumTestCluster.Member leader = cluster.awaitActive();
        long offset = leader.log.append(RatisMetadataLogTest.topic("tls12", 1)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        MetadataStateMachine tls13 = observe(100, withProtocols(tls(certs, true, true), "TLSv1.3"));
        MetadataStateMachine tls12 = observe(101, withProtocols(tls(certs, true, true), "TLSv1.2"));
        QuorumTestCluster.await(() -> tls12.image().offset() >= offset, "the TLSv1.2 observer's image");
        Thread.sleep(REFUSED_FOR_MS);
        assertThat(tls13.image().offset()).as("TLSv1.3-only observer").isEqualTo(-1);
    }

    private static QuorumTls withProtocols(QuorumTls tls, String... protocols) {
        return new QuorumTls(tls.keyManager(), tls.trustManager(), tls.mutual(), tls.checkHostname(),
                List.of(protocols), List.of());
    }

    private MetadataStateMachine observe(int nodeId, QuorumTls tls) {
        MetadataStateMachine state = new MetadataStateMachine();
        QuorumObserver o = new QuorumObserver(nodeId, cluster.voters(), tls);
        observers.add(o);
        o.start(state);
        return state;
    }

    /** The server keystore and the CA of {@code certs}, as a node configured with them has. */
    static QuorumTls tls(TestCertificates certs, boolean mutual, boolean checkHostname) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(certs.serverKeystore), TestCertificates.PASSWORD.toCharArray());
        return new QuorumTls((X509KeyManager) kmf.getKeyManagers()[0], trust(certs), mutual, checkHostname);
    }

    private static X509TrustManager trust(TestCertificates certs) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(certs.truststore));
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return ks;
    }
}
