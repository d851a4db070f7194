package io.samsa.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * transactional.id.expiration.ms, seen by stock kafka-clients: an id whose producer committed and went away is
 * removed once it has been idle that long (ListTransactions no longer shows it, DescribeTransactions answers
 * TRANSACTIONAL_ID_NOT_FOUND, and the id can be used again), while an id with a transaction still open is kept.
 */
class TransactionalIdExpirationTest {
    /** Long enough that no step of a producer's own use of an id (init, send, commit) takes longer under load. */
    private static final int EXPIRATION_MS = 5_000;
    /** The bound on waiting for the expiry: many cleanup intervals past the expiration, not a speed assertion. */
    private static final long WAIT_MS = 30_000;

    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort(),
                "transactional.id.expiration.ms", String.valueOf(EXPIRATION_MS),
                "transaction.remove.expired.transaction.cleanup.interval.ms", "200"));
        broker.topics().create("expiry", 1, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anIdleIdExpiresAndAnIdWithAnOpenTransactionDoesNot() throws Exception {
        String bs = broker.bootstrapServers();
        try (Admin admin = Clients.admin(bs);
                KafkaProducer<byte[], byte[]> open = transactional(bs, "left-open", 600_000)) {
            open.beginTransaction();
            send(open, "o");

            try (KafkaProducer<byte[], byte[]> done = transactional(bs, "committed-and-gone", 60_000)) {
                done.beginTransaction();
                send(done, "c");
                done.commitTransaction();
            }
            assertThat(states(admin)).containsEntry("committed-and-gone", TransactionState.COMPLETE_COMMIT)
                    .containsEntry("left-open", TransactionState.ONGOING);

            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (states(admin).containsKey("committed-and-gone") && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            Map<String, TransactionState> after = states(admin);
            assertThat(after).as("listed %s ms after the commit (expiration %s ms)", WAIT_MS, EXPIRATION_MS)
                    .doesNotContainKey("committed-and-gone");
            assertThatThrownBy(() -> describe(admin, "committed-and-gone"))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(TransactionalIdNotFoundException.class);

            // Far longer than the expiration has passed for it too, but its transaction is still open.
            assertThat(after).containsEntry("left-open", TransactionState.ONGOING);
            TransactionDescription stillOpen = describe(admin, "left-open");
            assertThat(stillOpen.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(stillOpen.topicPartitions()).extracting(Object::toString).containsExactly("expiry-0");
            open.commitTransaction();

            try (KafkaProducer<byte[], byte[]> again = transactional(bs, "committed-and-gone", 60_000)) {
                again.beginTransaction();
                send(again, "c2");
                again.commitTransaction();
            }
            assertThat(describe(admin, "committed-and-gone").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        }
    }

    private static Map<String, TransactionState> states(Admin admin) throws Exception {
        return admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                .collect(Collectors.toMap(TransactionListing::transactionalId, TransactionListing::state));
    }

    private static TransactionDescription describe(Admin admin, String id) throws Exception {
        return admin.describeTransactions(Set.of(id)).description(id).get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<byte[], byte[]> transactional(String bs, String id, int timeoutMs) {
        KafkaProducer<byte[], byte[]> p = Clients.producer(bs, Map.of("transactional.id", id,
                "transaction.timeout.ms", timeoutMs, "max.block.ms", 30_000));
        p.initTransactions();
        return p;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String value) throws Exception {
        p.send(new ProducerRecord<>("expiry", 0, null, value.getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
    }
}
