package io.samsa.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

class PrometheusEndpointTest {

    @Test
    void countersMoveAfterAProduce() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("metrics.port", "0"))) {
            String before = scrape(broker);
            assertThat(value(before, "samsa_broker_messages_in_total")).isZero();

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("metered", "k" + i, "v" + i)).get();
                }
            }

            String after = scrape(broker);
            assertThat(value(after, "samsa_broker_messages_in_total")).isEqualTo(10);
            assertThat(value(after, "samsa_broker_bytes_in_total")).isPositive();
            assertThat(value(after, "samsa_broker_requests_total{api=\"Produce\"}")).isGreaterThanOrEqualTo(10);
            assertThat(value(after, "samsa_log_end_offset{topic=\"metered\",partition=\"0\"}")).isEqualTo(10);
            assertThat(after).contains("# TYPE samsa_broker_requests_total counter");
        }
    }

    @Test
    void cleanerMetricsShowACompaction() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("metrics.port", "0",
                "log.cleaner.backoff.ms", "50"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(value(scrape(broker), "samsa_log_cleaner_cleanings_total")).isZero();
            admin.createTopics(List.of(new NewTopic("tabled", 1, (short) 1).configs(Map.of("cleanup.policy",
                    "compact", "internal.segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.1")))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers(), "linger.ms", "0"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>("tabled", "key-" + i % 5, "value-" + i)).get();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
            String body = scrape(broker);
            while (value(body, "samsa_log_cleaner_cleanings_total") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                body = scrape(broker);
            }
            assertThat(value(body, "samsa_log_cleaner_cleanings_total")).isPositive();
            assertThat(value(body, "samsa_log_cleaner_written_bytes_total"))
                    .isLessThan(value(body, "samsa_log_cleaner_read_bytes_total"));
            assertThat(value(body, "samsa_log_cleaner_last_recopy_ratio")).isBetween(0.0, 0.99);
            assertThat(value(body, "samsa_log_cleaner_failures_total")).isZero();
            assertThat(body).contains("# TYPE samsa_log_cleaner_seconds_since_last_run gauge");
        }
    }

    private static String scrape(SamsaBroker broker) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return r.body();
    }

    private static double value(String body, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        assertThat(m.find()).as("series %s in:%n%s", series, body).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
