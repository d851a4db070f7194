package io.samsa.protocol.records;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Instances of kafka-clients' public {@link Headers}/{@link Header} interfaces, for code that hands headers to
 * a {@code ConsumerRecord} or {@code ProducerRecord}. The implementations are kafka-clients' own (in an
 * {@code internals} package), so their equality, read-only behaviour and {@code toString} are exactly Kafka's.
 * Thread-safe (stateless); each returned object belongs to its caller.
 */
public final class KafkaHeaders {

    private KafkaHeaders() {
    }

    /** An empty, mutable header list. */
    public static Headers mutable() {
        return new RecordHeaders();
    }

    /** A header list over {@code headers} (not copied). */
    public static Headers of(Header[] headers) {
        return new RecordHeaders(headers);
    }

    /** One header; {@code value} may be null. */
    public static Header header(String key, byte[] value) {
        return new RecordHeader(key, value);
    }
}
