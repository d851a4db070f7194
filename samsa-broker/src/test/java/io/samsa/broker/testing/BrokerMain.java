package io.samsa.broker.testing;

import java.util.HashMap;
import java.util.Map;

import io.samsa.broker.SamsaBroker;

/**
 * Runs a Samsa broker as its own process for the tests that must kill it (SIGKILL) or restart it:
 * {@code java io.samsa.broker.testing.BrokerMain key=value ...} (Kafka key names). Prints
 * {@code SAMSA-READY port=<port>} once it listens, and shuts down cleanly when its standard input closes
 * (so a test JVM that dies takes its brokers with it).
 */
public final class BrokerMain {
    public static final String READY = "SAMSA-READY port=";

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            props.put(a.substring(0, eq), a.substring(eq + 1));
        }
        SamsaBroker broker = SamsaBroker.start(props);
        System.out.println(READY + broker.port());
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // wait for the parent to close our stdin
            }
        } finally {
            broker.close();
            System.out.println("SAMSA-STOPPED");
            System.out.flush();
        }
    }
}
