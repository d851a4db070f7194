package io.samsa.cli;

import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * The one place the CLI makes a consumer ({@code consume}, {@code perf consume}, the demo's read-back step).
 * The commands use only kafka-clients' {@link Consumer} interface, which Samsa's consumer implements.
 */
final class Consumers {
    private Consumers() {
    }

    /** Whether Samsa's consumer is in this build. */
    static boolean available() {
        return false;
    }

    static Consumer<byte[], byte[]> create(Properties props) {
        throw new UserException("consuming needs Samsa's consumer (SamsaConsumer), which is not in this build yet");
    }
}
