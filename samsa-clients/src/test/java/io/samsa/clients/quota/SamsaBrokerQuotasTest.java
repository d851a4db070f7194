package io.samsa.clients.quota;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.admin.SamsaAdmin;

/** SamsaAdmin's client-quota calls against an embedded Samsa broker. */
class SamsaBrokerQuotasTest extends QuotaAdminContract {
    private static SamsaBroker broker;
    private static SamsaAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }

    @Override
    SamsaAdmin admin() {
        return admin;
    }
}
