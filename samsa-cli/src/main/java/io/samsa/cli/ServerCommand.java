package io.samsa.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.samsa.broker.SamsaNode;
import io.samsa.broker.config.BrokerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samsa server}: runs a broker in the foreground until interrupted. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run a Samsa broker (or a controller-only node) in the foreground.",
                "Defaults: listener 127.0.0.1:9092, data in ./" + BrokerConfig.DEFAULT_DATA_DIR + ".",
                "A Kafka KRaft server.properties works as it is (process.roles, node.id, controller.quorum.voters, ...)."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A server.properties file (Kafka key names).")
    Path config;

    @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE", description = "Set one property; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        BrokerConfig brokerConfig = BrokerConfig.load(config, overrides);
        SamsaNode broker = SamsaNode.start(brokerConfig);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("samsa: error while stopping: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "samsa-shutdown"));
        System.out.println("Samsa " + broker.describe() + ". Ctrl-C stops it.");
        stopped.await();
        return 0;
    }
}
