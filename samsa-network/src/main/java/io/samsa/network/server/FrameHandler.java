package io.samsa.network.server;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import io.samsa.protocol.ResponseSend;

/**
 * What the network layer calls for each complete request frame (size prefix removed): the seam between the
 * server's sockets and whatever serves requests (the broker's request handler pool), so this module knows nothing
 * of the broker's APIs.
 */
public interface FrameHandler {

    /**
     * Called on the connection's network thread, only after the connection has authenticated.
     *
     * @return a stage completing with the response to write, with {@code null} when the request gets no
     *     response (Produce with acks=0), or exceptionally when the connection must be closed (malformed
     *     request). May complete on any thread; the connection's network thread then encodes and writes it.
     */
    CompletionStage<ResponseSend> handle(ByteBuffer frame, Session session);

    /** Who sent a frame: for logs and quotas. */
    record ClientAddress(String host, int port, long connectionId) {
    }
}
