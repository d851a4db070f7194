package io.samsa.cli;

import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.samsa.clients.consumer.SamsaConsumer;

/**
 * The one place the CLI makes a consumer ({@code consume}, {@code perf consume}, the demo's read-back step):
 * Samsa's own. The commands use only kafka-clients' {@link Consumer} interface, which it implements.
 */
final class Consumers {
    private Consumers() {
    }

    static Consumer<byte[], byte[]> create(Properties props) {
        return new SamsaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
