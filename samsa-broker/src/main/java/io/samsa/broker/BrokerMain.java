package io.samsa.broker;

import java.util.HashMap;
import java.util.Map;

import io.samsa.broker.config.BrokerConfig;

/**
 * Runs a Samsa broker as a bare process, for tests, benchmarks and the CLI's local cluster, which must kill it
 * (SIGKILL), stop it (SIGTERM) or restart it: {@code java io.samsa.broker.BrokerMain key=value ...} (Kafka key
 * names; later keys win), a controller-only node too ({@code process.roles=controller}). Operators use
 * {@code bin/samsa server}. Prints {@code SAMSA-READY port=<port>} once it listens (a controller-only node: its
 * controller port), and shuts down cleanly when its standard input closes
 * (so a test JVM that dies takes its brokers with it) or on SIGTERM (a controlled shutdown in a cluster).
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
        SamsaNode broker = SamsaNode.start(BrokerConfig.from(props));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "broker-main-sigterm"));
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
