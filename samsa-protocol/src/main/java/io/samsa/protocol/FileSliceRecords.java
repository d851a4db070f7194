package io.samsa.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Record batches that live in a log segment file, put into a Fetch response without reading them into
 * the heap: the response send streams them with {@code FileChannel.transferTo} (sendfile).
 */
public final class FileSliceRecords implements BaseRecords {
    private final FileChannel channel;
    private final long position;
    private final int size;

    public FileSliceRecords(FileChannel channel, long position, int size) {
        this.channel = channel;
        this.position = position;
        this.size = size;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public RecordsSend<FileSliceRecords> toSend() {
        return new RecordsSend<>(this, size) {
            @Override
            protected int writeTo(TransferableChannel out, int previouslyWritten, int remaining) throws IOException {
                return (int) out.transferFrom(channel, position + previouslyWritten, remaining);
            }
        };
    }
}
