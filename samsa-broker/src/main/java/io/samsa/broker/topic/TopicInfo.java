package io.samsa.broker.topic;

import java.util.Map;

import org.apache.kafka.common.Uuid;

import io.samsa.log.LogConfig;

/** One topic as the broker knows it. {@code configOverrides} are the topic-level settings given by users. */
public record TopicInfo(String name, Uuid id, int partitions, Map<String, String> configOverrides,
                        LogConfig logConfig) {
}
