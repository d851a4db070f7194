package io.samsa.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

import io.samsa.clients.admin.SamsaAdmin;
import picocli.CommandLine.Option;

/**
 * Options every client command shares: where the broker is, how long to wait for it, and, as Kafka's tools take
 * it, {@code --command-config FILE}: client settings by Kafka's names (in practice {@code security.protocol},
 * {@code ssl.*}, {@code sasl.mechanism}, {@code sasl.jaas.config}) under every client the command builds.
 */
final class ClientOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Broker(s) to connect to, comma-separated (default: ${DEFAULT-VALUE}).")
    String bootstrapServer = DEFAULT_BOOTSTRAP;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 30;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = {"Client settings from a properties file, by Kafka's names: security.protocol, ssl.*,",
                    "sasl.mechanism, sasl.jaas.config, ..."})
    Path commandConfig;

    /** The {@code --command-config} settings with {@code bootstrap.servers} from {@code --bootstrap-server}. */
    Properties clientProperties() {
        Properties p = load(commandConfig, "--command-config");
        p.setProperty("bootstrap.servers", bootstrapServer);
        return p;
    }

    SamsaAdmin admin() {
        Properties p = clientProperties();
        String ms = String.valueOf(timeoutSeconds * 1000L);
        p.setProperty("request.timeout.ms", ms);
        p.setProperty("default.api.timeout.ms", ms);
        p.putIfAbsent("send.buffer.bytes", "-1"); // the OS default, as the admin always used
        return SamsaAdmin.create(p);
    }

    /** A properties file (empty for null); a missing or unreadable one is a {@link UserException} naming it. */
    static Properties load(Path file, String option) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new UserException(option + ": no such file: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException(option + ": cannot read " + file + ": " + e.getMessage());
        }
        return p;
    }
}
