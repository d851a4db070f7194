package io.samsa.broker.lifecycle;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * Sends the transaction coordinator's markers to partitions other brokers lead: one WriteTxnMarkers request per
 * marker, over the inter-broker listener, as Kafka's TransactionMarkerChannelManager does. Its own thread,
 * {@code samsa-txn-marker-sender}, owns the connections ({@link NetworkIo}); {@link #send} (any thread) queues a
 * marker and answers a future that completes once the leader has it written (acks=all), or fails with the error the
 * leader answered, or a retriable one (the leader is unreachable within {@code requestTimeoutMs}). The coordinator
 * retries failures; a marker is idempotent for the log, so a retry after a lost answer is harmless.
 */
final class RemoteMarkerSender implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RemoteMarkerSender.class);
    static final String THREAD_NAME = "samsa-txn-marker-sender";
    private static final long POLL_MS = 100;

    private record Pending(int broker, TopicPartition partition, WritableTxnMarker marker, long queuedMs,
                           CompletableFuture<Void> done) {
    }

    private final NetworkIo io;
    private final BrokerAddresses addresses;
    private final long requestTimeoutMs;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final List<Pending> waiting = new ArrayList<>(); // sender thread only: not connected yet
    private final Thread thread;
    private volatile boolean running = true;

    RemoteMarkerSender(int localNodeId, BrokerAddresses addresses, long requestTimeoutMs) {
        this.io = new NetworkIo("samsa-txn-markers-" + localNodeId, requestTimeoutMs, 100, 64 * 1024);
        this.addresses = addresses;
        this.requestTimeoutMs = requestTimeoutMs;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the marker for {@code partition} to its leader {@code broker}. Any thread. */
    CompletableFuture<Void> send(int broker, TopicPartition partition, long producerId, short producerEpoch,
                                 boolean commit, int coordinatorEpoch) {
        WritableTxnMarker marker = new WritableTxnMarker().setProducerId(producerId).setProducerEpoch(producerEpoch)
                .setTransactionResult(commit).setCoordinatorEpoch(coordinatorEpoch)
                .setTopics(List.of(new WritableTxnMarkerTopic().setName(partition.topic())
                        .setPartitionIndexes(List.of(partition.partition()))));
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new CoordinatorNotAvailableException("The broker is shutting down"));
            return done;
        }
        queue.add(new Pending(broker, partition, marker, System.currentTimeMillis(), done));
        io.wakeup();
        return done;
    }

    private void run() {
        try {
            while (running) {
                long now = System.currentTimeMillis();
                for (Pending p; (p = queue.poll()) != null; ) {
                    waiting.add(p);
                }
                for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    addresses.address(p.broker()).ifPresent(a -> useAddress(p.broker(), a));
                    if (io.ensureConnected(p.broker(), now)) {
                        it.remove();
                        sendNow(p, now);
                    } else if (now - p.queuedMs() > requestTimeoutMs) {
                        it.remove();
                        p.done().completeExceptionally(new NetworkException("Broker " + p.broker()
                                + " not reachable for the marker of " + p.partition()));
                    }
                }
                io.poll(POLL_MS, now);
            }
        } catch (RuntimeException | Error e) {
            log.error("Transaction marker sender stopped", e);
        } finally {
            io.close();
            CoordinatorNotAvailableException closed = new CoordinatorNotAvailableException("The broker is shutting down");
            waiting.forEach(p -> p.done().completeExceptionally(closed));
            queue.forEach(p -> p.done().completeExceptionally(closed));
        }
    }

    private void useAddress(int broker, InetSocketAddress address) {
        io.address(broker, address.getHostString(), address.getPort());
    }

    private void sendNow(Pending p, long now) {
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData().setMarkers(List.of(p.marker()));
        io.send(p.broker(), ApiKeys.WRITE_TXN_MARKERS, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                Errors error = partitionError((WriteTxnMarkersResponseData) body, p.partition());
                if (error == Errors.NONE) {
                    p.done().complete(null);
                } else {
                    p.done().completeExceptionally(error.exception("Broker " + p.broker() + " answered " + error
                            + " for the marker of " + p.partition()));
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                p.done().completeExceptionally(error);
            }
        }, now);
    }

    private static Errors partitionError(WriteTxnMarkersResponseData response, TopicPartition tp) {
        for (var marker : response.markers()) {
            for (var topic : marker.topics()) {
                if (topic.name().equals(tp.topic())) {
                    for (var partition : topic.partitions()) {
                        if (partition.partitionIndex() == tp.partition()) {
                            return Errors.forCode(partition.errorCode());
                        }
                    }
                }
            }
        }
        return Errors.UNKNOWN_SERVER_ERROR; // a leader that left the partition out
    }

    @Override
    public void close() {
        running = false;
        io.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
