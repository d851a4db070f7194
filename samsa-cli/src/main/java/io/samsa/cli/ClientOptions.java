package io.samsa.cli;

import java.time.Duration;

import io.samsa.clients.admin.SamsaAdmin;
import picocli.CommandLine.Option;

/** Options every client command shares: where the broker is, and how long to wait for it. */
final class ClientOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Broker(s) to connect to, comma-separated (default: ${DEFAULT-VALUE}).")
    String bootstrapServer = DEFAULT_BOOTSTRAP;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 30;

    SamsaAdmin admin() {
        return new SamsaAdmin(bootstrapServer, Duration.ofSeconds(timeoutSeconds));
    }
}
