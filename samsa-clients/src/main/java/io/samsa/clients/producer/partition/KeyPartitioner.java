package io.samsa.clients.producer.partition;

/**
 * Key → partition, byte-for-byte KafkaProducer's rule: {@code (murmur2(key) & 0x7fffffff) % partitions}.
 * Stateless; called on the application thread that sends.
 */
public final class KeyPartitioner {
    private KeyPartitioner() {
    }

    public static int partition(byte[] keyBytes, int numPartitions) {
        return (murmur2(keyBytes) & 0x7fffffff) % numPartitions;
    }

    /** Kafka's murmur2 (seed 0x9747b28c), 4-byte words read little-endian. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = 0x9747b28c ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length4 * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
