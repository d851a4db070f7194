package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.testkit.TestCertificates;

/**
 * {@code --command-config FILE} as Kafka's tools take it: the CLI's produce, consume and topics commands, as real
 * processes, against a broker's SASL_SSL listener (SCRAM-SHA-512, the user added with {@code samsa users add}
 * over PLAINTEXT). A wrong password, a missing file and an unreadable file are each one line and exit code 1.
 */
class CommandConfigTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static SamsaBroker broker;
    private static String secure;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> props = new HashMap<>(CERTS.serverConfigs());
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        broker = SamsaBroker.startEmbedded(props);
        secure = "127.0.0.1:" + broker.port("SECURE");
        Path pw = Files.createTempFile("pw", ".txt");
        Files.writeString(pw, "alice-secret\n");
        InProcess.Result added = InProcess.run("users", "add", "alice", "--password-file", pw.toString(),
                "-b", "127.0.0.1:" + broker.port("PLAINTEXT"));
        Files.delete(pw);
        assertThat(added.exitCode()).as(added.toString()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void produceConsumeAndListTopicsOverSaslSsl() throws Exception {
        String config = config("alice-secret").toString();
        CliProcess.Result created = CliProcess.run(null, "topics", "create", "events", "--partitions", "1",
                "-b", secure, "--command-config", config);
        assertThat(created.exitCode()).as(created.toString()).isZero();
        CliProcess.Result produced = CliProcess.run("one\ntwo\nthree\n", "produce", "events", "-b", secure,
                "--command-config", config);
        assertThat(produced.exitCode()).as(produced.toString()).isZero();
        CliProcess.Result consumed = CliProcess.run(null, "consume", "events", "--from-beginning", "-n", "3",
                "-b", secure, "--command-config", config);
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.stdout()).isEqualTo("one\ntwo\nthree\n");
        CliProcess.Result listed = CliProcess.run(null, "topics", "list", "-b", secure, "--command-config", config);
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.stdout()).contains("events");
    }

    @Test
    void aWrongPasswordIsOneLineAndExitCodeOne() throws Exception {
        CliProcess.Result r = CliProcess.run(null, "topics", "list", "-b", secure, "--timeout", "120",
                "--command-config", config("wrong").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderrLines()).as(r.toString()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("samsa: Authentication failed").contains("SCRAM-SHA-512"));
        InProcess.Result produce = InProcess.run("produce", "events", "--file", "/dev/null", "-b", secure,
                "--timeout", "120", "--command-config", config("wrong").toString());
        assertThat(produce.exitCode()).as(produce.toString()).isEqualTo(1);
        assertThat(produce.stderr()).startsWith("samsa: Authentication failed").hasLineCount(1);
    }

    @Test
    void aMissingOrUnreadableFileIsOneLineAndExitCodeOne() {
        InProcess.Result missing = InProcess.run("topics", "list", "-b", secure, "--command-config", "/no/such.conf");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).isEqualTo("samsa: --command-config: no such file: /no/such.conf\n");
        InProcess.Result directory = InProcess.run("consume", "events", "-b", secure, "--command-config",
                tmp.toString());
        assertThat(directory.exitCode()).isEqualTo(1);
        assertThat(directory.stderr()).startsWith("samsa: --command-config: cannot read " + tmp).hasLineCount(1);
        InProcess.Result perf = InProcess.run("perf", "consume", "--topic", "events", "--messages", "1", "-b", secure,
                "--command-config", "/no/such.conf");
        assertThat(perf.exitCode()).isEqualTo(1);
        assertThat(perf.stderr()).isEqualTo("samsa: --command-config: no such file: /no/such.conf\n");
    }

    private Path config(String password) throws Exception {
        Map<String, String> c = new HashMap<>(CERTS.clientConfigs());
        c.put("security.protocol", "SASL_SSL");
        c.put("sasl.mechanism", "SCRAM-SHA-512");
        c.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"alice\" password=\"" + password + "\";");
        return Files.writeString(tmp.resolve(password + ".properties"), TestCertificates.asProperties(c));
    }
}
