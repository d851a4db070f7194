package io.samsa.cli;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.broker.SamsaBroker;

/** {@code samsa quotas} against an embedded Samsa broker. */
class SamsaQuotasCommandTest extends QuotasCommandContract {
    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }
}
