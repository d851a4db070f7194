package io.samsa.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import io.samsa.testkit.ApacheKafkaBroker;

/**
 * The reference for {@link CraftedBatchTest}: Apache Kafka 4.4 (in a child JVM) answers the same crafted Produce
 * frames with the codes that Samsa gives, except where Samsa deliberately differs: a payload that does not
 * decompress gets UNKNOWN_SERVER_ERROR from Kafka (its stream error escapes as a plain KafkaException) and
 * INVALID_RECORD from Samsa (equally non-retriable, but naming the cause and logging no server error). The well-formed 10 GiB bomb is not sent to Kafka, which would walk all of it.
 */
class CraftedBatchKafkaReferenceTest {
    @Test
    void apacheKafkaAnswersTheCraftedBatchesAsRecorded() throws Exception {
        try (ApacheKafkaBroker kafka = ApacheKafkaBroker.start()) {
            kafka.createTopic(CraftedBatchTest.TOPIC, 1);
            String bootstrap = kafka.bootstrapServers();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (RawKafkaConnection raw = new RawKafkaConnection("127.0.0.1", port)) {
                for (CraftedBatchTest.Case c : CraftedBatchTest.cases(System.currentTimeMillis())) {
                    if (c.kafka() == null) {
                        continue;
                    }
                    Errors answer = Errors.forCode(CraftedBatchTest.produce(raw, c.records()));
                    System.out.printf("Apache Kafka: %-45s -> %s (Samsa: %s)%n", c.name(), answer, c.expected());
                    assertThat(answer).as(c.name()).isEqualTo(c.kafka());
                }
            }
        }
    }
}
