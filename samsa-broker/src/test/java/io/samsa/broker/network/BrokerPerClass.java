package io.samsa.broker.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.samsa.broker.testing.BrokerProcess;

/**
 * One broker process for a whole test class, with {@code metrics.port} set: started before its first test, killed
 * and its data removed after the last. Register it as a static {@code @RegisterExtension} field.
 */
final class BrokerPerClass implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> config;
    private Path dataDir;
    private BrokerProcess process;
    private int metricsPort;

    BrokerPerClass(Map<String, String> config) {
        this.config = config;
    }

    BrokerProcess process() {
        return process;
    }

    int metricsPort() {
        return metricsPort;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("samsa-" + context.getRequiredTestClass().getSimpleName() + "-");
        BrokerProbe.Started started = BrokerProbe.startBroker(dataDir, config);
        process = started.broker();
        metricsPort = started.metricsPort();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.close();
        }
        if (dataDir != null) {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
