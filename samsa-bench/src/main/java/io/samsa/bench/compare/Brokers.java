package io.samsa.bench.compare;

/**
 * What a measured run talks to: one broker process ({@link BrokerProcess}) or a cluster of them
 * ({@link BrokerCluster}). CPU is the sum over the processes, so one node and three are reported alike.
 */
interface Brokers {
    /** "kafka" or "samsa": the row's broker column. */
    String kind();

    /** The clients' bootstrap.servers. */
    String bootstrap();

    /** CPU seconds (user + system) the broker processes have used so far, summed. */
    double cpuSeconds();

    boolean alive();

    /** Why a process is gone ("killed by signal 9", "exit 1"), or "running". */
    String exitDescription();

    String logTail();
}
