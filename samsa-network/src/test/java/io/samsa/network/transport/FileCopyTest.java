package io.samsa.network.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.protocol.ResponseSend;

/** The copying path a transport without sendfile (TLS) uses: every byte arrives, in order, through partial writes. */
class FileCopyTest {

    @Test
    void copiesAFileRegionThroughPartialWrites(@TempDir Path dir) throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("segment"), content);
        FakeTransport out = new FakeTransport(0, 7_000);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = 1_000;
            long left = 150_000;
            while (left > 0) {
                long n = out.transferFrom(channel, position, left);
                assertThat(n).isPositive();
                position += n;
                left -= n;
            }
        }
        byte[] expected = new byte[150_000];
        System.arraycopy(content, 1_000, expected, 0, expected.length);
        assertThat(out.written.toByteArray()).isEqualTo(expected);
    }

    @Test
    void aResponseSendIsWrittenWholeThroughPartialWrites() throws Exception {
        FakeTransport out = new FakeTransport(0, 3);
        ResponseSend send = ResponseSend.ofBuffers(ByteBuffer.wrap(new byte[] {0, 0, 0, 5}),
                ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
        int calls = 0;
        while (!send.writeTo(out)) {
            calls++;
        }
        assertThat(calls).isEqualTo(2);
        assertThat(out.written.toByteArray()).containsExactly(0, 0, 0, 5, 1, 2, 3, 4, 5);
    }
}
