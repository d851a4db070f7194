package io.samsa.cli;

import java.util.Properties;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * The one place the CLI makes a consumer ({@code consume}, {@code perf consume}, the demo's read-back step).
 * The commands use only kafka-clients' {@link Consumer} interface, which Samsa's consumer implements.
 */
final class Consumers {
    /** Tests may plug in another implementation (a test peer) to exercise the commands. */
    static volatile Function<Properties, Consumer<byte[], byte[]>> testFactory;

    private Consumers() {
    }

    /** Whether a consumer is in this build. */
    static boolean available() {
        return testFactory != null;
    }

    static Consumer<byte[], byte[]> create(Properties props) {
        Function<Properties, Consumer<byte[], byte[]>> factory = testFactory;
        if (factory != null) {
            return factory.apply(props);
        }
        throw new UserException("consuming needs Samsa's consumer (SamsaConsumer), which is not in this build yet");
    }
}
