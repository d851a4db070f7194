package io.samsa.clients.consumer.state;

import java.util.Locale;

import org.apache.kafka.common.config.ConfigException;

/** {@code auto.offset.reset}: where to start when a partition has no valid position. */
public enum ResetStrategy {
    EARLIEST(-2L), LATEST(-1L), NONE(0L);

    /** The ListOffsets timestamp that finds the offset (-2 earliest, -1 latest). */
    public final long listOffsetsTimestamp;

    ResetStrategy(long listOffsetsTimestamp) {
        this.listOffsetsTimestamp = listOffsetsTimestamp;
    }

    public static ResetStrategy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("auto.offset.reset", value, "SamsaConsumer supports earliest, latest and none");
        }
    }
}
