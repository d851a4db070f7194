package io.samsa.network.server;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.network.Send;

/** What the network layer calls for each complete request frame (size prefix removed). */
public interface FrameHandler {

    /**
     * @return a stage completing with the response to write, with {@code null} when the request gets no
     *     response (Produce with acks=0), or exceptionally when the connection must be closed (malformed
     *     request). May complete on any thread.
     */
    CompletionStage<Send> handle(ByteBuffer frame, ClientAddress client);

    /** Who sent a frame: for logs and quotas. */
    record ClientAddress(String host, int port, long connectionId) {
    }
}
