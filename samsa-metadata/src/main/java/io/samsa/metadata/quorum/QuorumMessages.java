package io.samsa.metadata.quorum;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * What travels in Ratis messages, big-endian.
 * <pre>
 * request  kind:int8  1 = APPEND: a batch of records in {@link MetadataRecordCodec}'s form (a Raft log entry)
 *                     2 = CALL: an encoded controller call (a read-only request served by the leader's handler)
 *                     3 = FEED: an observer asks a voter for the batches after its offset ({@link FeedMessages})
 *                     4 = STATUS: the quorum as the serving voter sees it ({@link QuorumStatusCodec}), no body
 *          body
 * reply    status:int8  0 = OK, then the body (CALL: the handler's response; APPEND: empty)
 *                       1 = ERROR, then code:int16 (a Kafka error code) length:int32 message:UTF-8
 * </pre>
 * A rejected batch is still a committed log entry: its reply, not the Raft layer, carries the failure.
 */
final class QuorumMessages {
    static final byte APPEND = 1;
    static final byte CALL = 2;
    static final byte FEED = 3;
    static final byte STATUS = 4;
    private static final byte OK = 0;
    private static final byte ERROR = 1;
    static final Message OK_EMPTY = Message.valueOf(ByteString.copyFrom(new byte[] {OK}));

    private QuorumMessages() {
    }

    static Message append(List<MetadataRecord> records) {
        return request(APPEND, MetadataRecordCodec.encode(records));
    }

    static Message call(byte[] request) {
        return request(CALL, request);
    }

    static Message feed(int observerId, long fromOffset, int maxWaitMs) {
        return request(FEED, FeedMessages.request(observerId, fromOffset, maxWaitMs));
    }

    static Message status() {
        return request(STATUS, new byte[0]);
    }

    private static Message request(byte kind, byte[] body) {
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = kind;
        System.arraycopy(body, 0, bytes, 1, body.length);
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes));
    }

    /** The kind of a request, or -1 if it is empty. */
    static byte kind(ByteString request) {
        return request.isEmpty() ? -1 : request.byteAt(0);
    }

    static List<MetadataRecord> records(ByteString request) throws IOException {
        ByteBuffer buffer = request.asReadOnlyByteBuffer();
        buffer.position(buffer.position() + 1);
        return MetadataRecordCodec.decode(buffer);
    }

    static byte[] body(ByteString request) {
        return request.substring(1).toByteArray();
    }

    static Message ok(byte[] body) {
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = OK;
        System.arraycopy(body, 0, bytes, 1, body.length);
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes));
    }

    static Message error(Errors error, String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] text = String.valueOf(message).getBytes(StandardCharsets.UTF_8);
            out.writeByte(ERROR);
            out.writeShort(error.code());
            out.writeInt(text.length);
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory
        }
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes.toByteArray()));
    }

    /** The body of an OK reply; an ERROR reply is thrown as its Kafka exception. */
    static byte[] unwrap(Message reply) {
        ByteString content = reply.getContent();
        if (content.isEmpty()) {
            throw new UnknownServerException("Empty reply from the metadata quorum");
        }
        if (content.byteAt(0) == OK) {
            return content.substring(1).toByteArray();
        }
        ByteBuffer buf = content.asReadOnlyByteBuffer();
        buf.get();
        short code = buf.getShort();
        byte[] text = new byte[buf.getInt()];
        buf.get(text);
        Errors error = Errors.forCode(code);
        ApiException e = error == Errors.NONE ? null : error.exception(new String(text, StandardCharsets.UTF_8));
        throw e != null ? e : new UnknownServerException(new String(text, StandardCharsets.UTF_8));
    }
}
