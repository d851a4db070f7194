package io.samsa.broker.replica;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.samsa.testkit.CraftedBatch;

/** Valid uncompressed batches for appending straight to a partition in unit tests. */
public final class Batches {
    private Batches() {
    }

    /** One batch of {@code count} records. */
    public static ByteBuffer of(int count) {
        byte[][] records = new byte[count][];
        for (int i = 0; i < count; i++) {
            records[i] = CraftedBatch.record(i, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return CraftedBatch.of(CraftedBatch.concat(records)).count(count).build();
    }
}
