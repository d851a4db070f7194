package io.samsa.network.client;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.protocol.ApiKeys;

/** One broker connection: its life-cycle state, queued writes, requests awaiting a response, versions. */
final class NodeConnection {
    enum State { CONNECTING, NEGOTIATING, READY }

    /** A request on the wire. {@code handler} is told of the response, or of the write for no-response ones. */
    record Request(ApiKeys key, short version, int correlationId, boolean expectResponse, long sentMs,
                   ResponseHandler handler) {
    }

    record Outgoing(ByteBuffer frame, Request request) {
    }

    final int nodeId;
    final SocketChannel channel;
    final SelectionKey key;
    State state = State.CONNECTING;
    final ArrayDeque<Outgoing> writes = new ArrayDeque<>();
    final ArrayDeque<Request> awaiting = new ArrayDeque<>();
    final Map<ApiKeys, Short> versions = new EnumMap<>(ApiKeys.class);
    final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    ByteBuffer body;
    final long startedMs;

    NodeConnection(int nodeId, SocketChannel channel, SelectionKey key, long startedMs) {
        this.startedMs = startedMs;
        this.nodeId = nodeId;
        this.channel = channel;
        this.key = key;
    }

    int inFlight() {
        return awaiting.size() + (int) writes.stream().filter(o -> !o.request().expectResponse()).count();
    }
}
