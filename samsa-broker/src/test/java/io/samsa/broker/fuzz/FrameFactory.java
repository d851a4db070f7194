package io.samsa.broker.fuzz;

import java.nio.ByteBuffer;
import java.util.Random;

import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.WireCodec;

/**
 * Makes a worker's frames: valid requests ({@link RandomRequestBuilder}, encoded with
 * {@link WireCodec#encodeRequest}), their mutations ({@link FrameMutator}, and {@link RecordBatchMutator} inside
 * Produce record batches) and random frames, and screens each one the way the broker would read it, so that
 * none deletes the known data ({@link KnownDataGuard}). Used by one worker thread.
 */
final class FrameFactory {
    private final Random random;
    private final RandomRequestBuilder builder;
    private final FuzzValues values;
    private final FrameMutator mutator;
    private final RecordBatchMutator batchMutator;
    private final KnownDataGuard guard;

    FrameFactory(Random random, KnownDataGuard guard) {
        this.random = random;
        this.guard = guard;
        this.values = new FuzzValues(random, guard);
        this.builder = new RandomRequestBuilder(random, values);
        this.mutator = new FrameMutator(random);
        this.batchMutator = new RecordBatchMutator(random, guard);
    }

    /** A valid request; a built message that the screen rejects is rebuilt (then replaced by the default one). */
    FuzzFrame valid(ApiKeys key, short version) {
        for (int attempt = 0; attempt < 10; attempt++) {
            ApiMessage body;
            try {
                body = builder.build(key, version);
            } catch (RuntimeException e) {
                continue;
            }
            if (guard.threatens(key, body)) {
                continue;
            }
            return frame(key, version, body, "valid " + key + " v" + version);
        }
        return frame(key, version, key.messageType.newRequest(), "valid (all defaults) " + key + " v" + version);
    }

    /** Learns the member id and generation from a JoinGroup answer, for later group requests. */
    void learn(FuzzFrame frame, byte[] answer) {
        if (answer == null || frame.apiKey() != ApiKeys.JOIN_GROUP.id
                || !(decode(frame) instanceof JoinGroupRequestData request)) {
            return;
        }
        try {
            short version = ByteBuffer.wrap(frame.bytes()).getShort(6);
            int correlationId = ByteBuffer.wrap(frame.bytes()).getInt(8);
            JoinGroupResponseData r = (JoinGroupResponseData) WireCodec.decodeResponse(ByteBuffer.wrap(answer),
                    ApiKeys.JOIN_GROUP, version, correlationId);
            values.remember(new FuzzValues.Member(request.groupId(), r.memberId(), r.generationId()));
        } catch (RuntimeException e) {
            throw new AssertionError("the broker's JoinGroup answer does not decode: " + e, e);
        }
    }

    /**
     * A mutation of {@code valid}; half of the Produce frames get theirs inside a record batch, a quarter of the
     * Fetch and JoinGroup frames are made to ask for a long wait ({@link LongWaits#stretch}).
     */
    FuzzFrame mutated(FuzzFrame valid) {
        if (valid.apiKey() == ApiKeys.PRODUCE.id && random.nextBoolean()) {
            FuzzFrame batchMutated = batchMutator.mutate(valid);
            if (batchMutated != null) {
                return batchMutated;
            }
        }
        if ((valid.apiKey() == ApiKeys.FETCH.id || valid.apiKey() == ApiKeys.JOIN_GROUP.id) && random.nextInt(4) == 0) {
            ApiMessage body = decode(valid);
            String what = body == null ? null : LongWaits.stretch(body, random);
            try {
                if (what != null) {
                    return reencode(valid, body, "long wait (" + what + ") " + valid.origin());
                }
            } catch (RuntimeException e) {
                // JoinGroup v0 has no rebalance timeout: a frame-level mutation instead
            }
        }
        return mutator.mutate(valid);
    }

    /** A mutation inside a record batch of {@code validProduce}, or a frame-level one if it carries none. */
    FuzzFrame batchMutated(FuzzFrame validProduce) {
        FuzzFrame batchMutated = batchMutator.mutate(validProduce);
        return batchMutated != null ? batchMutated : mutator.mutate(validProduce);
    }

    FuzzFrame random(short[] apiKeys) {
        return mutator.random(apiKeys);
    }

    /**
     * Why this frame must not be sent, or null. Decoded as the broker decodes it (same kafka-clients parser);
     * a frame that does not decode cannot act on anything.
     */
    String screen(FuzzFrame frame) {
        if (!frame.sizeHeaderMatches()) {
            return null;
        }
        ApiMessage body = decode(frame);
        if (body == null) {
            return null;
        }
        ApiKeys key = ApiKeys.forId(body.apiKey());
        if (guard.threatens(key, body)) {
            return "names known data in " + key;
        }
        return null;
    }

    /** The request body as the broker would decode it, or null if it does not decode. */
    static ApiMessage decode(FuzzFrame frame) {
        try {
            ByteBuffer b = ByteBuffer.wrap(frame.bytes(), 4, frame.bytes().length - 4).slice();
            RequestFrameHeader header = WireCodec.parseHeader(b);
            if (!WireCodec.canDecode(header)) {
                return null;
            }
            DecodedRequest request = WireCodec.decodeBody(header, b);
            return request.body();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code body} encoded behind {@code original}'s header (key, version, client id, correlation id). */
    static FuzzFrame reencode(FuzzFrame original, ApiMessage body, String origin) {
        RequestFrameHeader header = WireCodec.parseHeader(
                ByteBuffer.wrap(original.bytes(), 4, original.bytes().length - 4).slice());
        return encode(header.apiKey(), header.apiVersion(), header.clientId(), header.correlationId(),
                body, origin);
    }

    private FuzzFrame frame(ApiKeys key, short version, ApiMessage body, String origin) {
        String clientId = random.nextInt(20) == 0 ? null : "fuzz-" + random.nextInt(4);
        return encode(key, version, clientId, random.nextInt(), body, origin);
    }

    static FuzzFrame encode(ApiKeys key, short version, String clientId, int correlationId, ApiMessage body,
            String origin) {
        ByteBuffer b = WireCodec.encodeRequest(key, version, clientId, correlationId, body);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new FuzzFrame(bytes, origin, true);
    }
}
