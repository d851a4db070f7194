package io.samsa.broker;

import java.io.IOException;

import io.samsa.broker.config.BrokerConfig;

/**
 * One Samsa process, whatever its {@code process.roles}: a broker ({@link SamsaBroker}; a single node, or a cluster
 * node that is also a controller or only a broker) or a controller-only node ({@link SamsaController}).
 */
public interface SamsaNode extends AutoCloseable {
    /** Starts the node {@code config} describes: a controller-only node when its roles lack broker. */
    static SamsaNode start(BrokerConfig config) throws IOException {
        return config.isBroker() ? SamsaBroker.start(config) : SamsaController.start(config);
    }

    /** The port it serves on: a broker's client listener, a controller-only node's controller listener. */
    int port();

    /** One line for an operator: what the node is and where it listens. */
    String describe();

    @Override
    void close() throws IOException;
}
