package io.samsa.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ApacheKafkaBrokerTest {

    @Test
    void startsServesAKafkaProducerAndConsumerThroughTheProxyAndCleansUp() throws Exception {
        try (FaultyProxy proxy = FaultyProxy.start(); ApacheKafkaBroker broker = ApacheKafkaBroker.start(proxy.port())) {
            proxy.target(broker.proxiedListenerPort());
            broker.createTopic("kit", 2);
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", "127.0.0.1:" + proxy.port());
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                RecordMetadata md = producer.send(new ProducerRecord<>("kit", 1, "k", "v")).get();
                assertThat(md.offset()).isZero();
            }
            Properties c = new Properties();
            c.setProperty("bootstrap.servers", broker.bootstrapServers());
            try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("kit", 1);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                ConsumerRecord<String, String> got = null;
                for (int i = 0; i < 100 && got == null; i++) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        got = r;
                    }
                }
                assertThat(got).isNotNull();
                assertThat(got.value()).isEqualTo("v");
            }
        }
    }
}
