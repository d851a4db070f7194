package io.samsa.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The loopback ports of an N-node cluster: node {@code i} (ids 1..N) has a client and a controller port. */
record ClusterPorts(List<Integer> clientPorts, List<Integer> controllerPorts) {

    static ClusterPorts allocate(int nodes) {
        List<Integer> client = new ArrayList<>();
        List<Integer> controller = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            client.add(BrokerProcess.freePort());
            controller.add(BrokerProcess.freePort());
        }
        return new ClusterPorts(List.copyOf(client), List.copyOf(controller));
    }

    int nodes() {
        return clientPorts.size();
    }

    int clientPort(int nodeId) {
        return clientPorts.get(nodeId - 1);
    }

    int controllerPort(int nodeId) {
        return controllerPorts.get(nodeId - 1);
    }

    /** {@code controller.quorum.voters}: {@code 1@127.0.0.1:P1c,2@127.0.0.1:P2c,...}. */
    String voters() {
        return IntStream.rangeClosed(1, nodes()).mapToObj(id -> id + "@127.0.0.1:" + controllerPort(id))
                .collect(Collectors.joining(","));
    }
}
