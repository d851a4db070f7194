package io.samsa.broker.api;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.Session;
import io.samsa.protocol.ResponseSend;

/**
 * Kafka's request handler threads ({@code num.io.threads}) behind its request queue
 * ({@code queued.max.requests}): the network threads read and write sockets and encode responses, and every
 * request — decode and handler — runs here, so a slow one (an fsync with {@code flush.messages=1}, CreateTopics of thousands
 * of partitions, DeleteTopics of a big topic, a timestamp scan) holds one handler thread, not every connection
 * of a network thread.
 *
 * <p>Threads: {@link #handle} is called by a network processor thread and only enqueues; when the queue is full
 * it blocks that network thread until a handler thread takes a request (back-pressure, as Kafka's
 * {@code RequestChannel.sendRequest} does). The {@code samsa-request-handler-N} threads take requests in arrival
 * order and run them through the wrapped handler (the {@link ApiDispatcher}). The returned stage completes on
 * the handler thread, or later on whichever thread completes the handler's own stage (the fetch-purgatory thread
 * for long polls, the group coordinator thread for group APIs); the processor picks the unencoded response up through
 * its completion queue and encodes it. Per connection there is one request in flight (the network layer's rule), so responses
 * stay in request order although requests of different connections run in parallel.
 *
 * <p>A handler thread never dies of a request: anything thrown, an {@link Error} included, fails that request
 * (the network layer closes its connection) and the thread takes the next one.
 */
public final class RequestHandlerPool implements FrameHandler, Closeable {
    private static final Logger log = LoggerFactory.getLogger(RequestHandlerPool.class);
    /** How long {@link #close} waits for a handler thread to finish its current request. */
    private static final long CLOSE_WAIT_MS = 10_000;

    private final FrameHandler target;
    private final BlockingQueue<QueuedRequest> queue;
    private final RequestMetrics metrics;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private record QueuedRequest(ByteBuffer frame, Session session, long enqueuedNanos,
                                 CompletableFuture<ResponseSend> response) {
    }

    /**
     * Starts {@code threads} handler threads at once.
     *
     * @param queueCapacity {@code queued.max.requests}: requests read but not yet taken by a handler thread
     */
    public RequestHandlerPool(FrameHandler target, int threads, int queueCapacity, RequestMetrics metrics) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("threads and queue capacity must be at least 1");
        }
        this.target = target;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.metrics = metrics;
        metrics.watchQueue(queue::size);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, "samsa-request-handler-" + i);
            t.setDaemon(true);
            this.threads.add(t);
            t.start();
        }
    }

    /** Called by a network thread; blocks it while the queue is full. */
    @Override
    public CompletionStage<ResponseSend> handle(ByteBuffer frame, Session session) {
        CompletableFuture<ResponseSend> response = new CompletableFuture<>();
        if (closed) {
            response.completeExceptionally(new IllegalStateException("the broker is shutting down"));
            return response;
        }
        try {
            queue.put(new QueuedRequest(frame, session, System.nanoTime(), response));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.completeExceptionally(e);
        }
        return response;
    }

    /** Requests waiting for a handler thread. */
    public int queueSize() {
        return queue.size();
    }

    private void run() {
        while (!closed) {
            QueuedRequest request;
            try {
                request = queue.poll(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
                continue;
            }
            if (request != null) {
                process(request);
            }
        }
    }

    private void process(QueuedRequest request) {
        long taken = System.nanoTime();
        metrics.recordQueueTime(taken - request.enqueuedNanos);
        try {
            target.handle(request.frame, request.session).whenComplete((send, error) -> {
                if (error != null) {
                    request.response.completeExceptionally(error);
                } else {
                    request.response.complete(send);
                }
            });
        } catch (Throwable t) {
            if (t instanceof Error) {
                log.error("Request from {} failed", request.session.client(), t);
            }
            request.response.completeExceptionally(t);
        } finally {
            metrics.recordHandlerBusy(System.nanoTime() - taken);
        }
    }

    /**
     * Stops taking requests, fails those still queued, and waits for each handler thread to finish the request
     * it is running (an append in progress completes before the logs are closed). Call after the network
     * threads have stopped.
     */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                log.warn("Request handler thread {} still busy after {} ms at shutdown", t.getName(), CLOSE_WAIT_MS);
            }
        }
        QueuedRequest left;
        while ((left = queue.poll()) != null) {
            left.response.completeExceptionally(new IllegalStateException("the broker is shutting down"));
        }
    }
}
