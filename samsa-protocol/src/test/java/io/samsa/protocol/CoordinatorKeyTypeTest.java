package io.samsa.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.junit.jupiter.api.Test;

/** Samsa's key type ids are Kafka's. */
class CoordinatorKeyTypeTest {

    @Test
    void idsAreKafkas() {
        assertThat(CoordinatorKeyType.GROUP.id()).isEqualTo(CoordinatorType.GROUP.id());
        assertThat(CoordinatorKeyType.TRANSACTION.id()).isEqualTo(CoordinatorType.TRANSACTION.id());
        assertThat(CoordinatorKeyType.SHARE.id()).isEqualTo(CoordinatorType.SHARE.id());
    }
}
