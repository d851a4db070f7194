package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordFormatTest {
    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("h", "v\"1".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("t", 2, 41L, 1700000000000L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                headers, Optional.empty());
    }

    @Test
    void valueIsTheDefaultAndFieldsAreTabSeparatedInTheOrderGiven() {
        assertThat(RecordFormat.parse("value").format(record("k", "hello"))).isEqualTo("hello");
        assertThat(RecordFormat.parse("partition,offset,key,value,timestamp,headers").format(record("k", "hi")))
                .isEqualTo("2\t41\tk\thi\t1700000000000\th=v\"1");
        assertThat(RecordFormat.parse("key,value").format(record(null, "x"))).isEqualTo("null\tx");
    }

    @Test
    void jsonLinesCarryEveryFieldEscaped() {
        assertThat(RecordFormat.parse("json").format(record(null, "a\tb\n")))
                .isEqualTo("{\"topic\":\"t\",\"partition\":2,\"offset\":41,\"timestamp\":1700000000000,"
                        + "\"key\":null,\"value\":\"a\\tb\\n\",\"headers\":{\"h\":\"v\\\"1\"}}");
    }

    @Test
    void anUnknownFieldIsAUserError() {
        assertThatThrownBy(() -> RecordFormat.parse("value,size"))
                .isInstanceOf(UserException.class).hasMessageContaining("unknown field 'size'");
    }
}
