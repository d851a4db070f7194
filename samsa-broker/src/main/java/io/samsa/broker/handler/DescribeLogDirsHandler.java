package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.Log;

/**
 * DescribeLogDirs (v1–5): Samsa's one data directory ({@code log.dirs} takes a single path) with every partition
 * whose replica lives there — or those the request names — with its size on disk and offset lag (as Kafka: the high
 * watermark's lead over the log end, never negative, so 0 for a leader), never a future log (no
 * AlterReplicaLogDirs); from v4 the volume's total and usable bytes, from v5 never cordoned.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5);

    private final TopicRegistry topics;
    private final Path dataDir;

    public DescribeLogDirsHandler(TopicRegistry topics, Path dataDir) {
        this.topics = topics;
        this.dataDir = dataDir.toAbsolutePath();
    }

    @Override
    public CompletionStage<DescribeLogDirsResponseData> handle(RequestContext context,
                                                               DescribeLogDirsRequestData request) {
        DescribeLogDirsResult dir = new DescribeLogDirsResult().setLogDir(dataDir.toString());
        if (request.topics() == null) {
            for (TopicInfo t : topics.all()) {
                describe(dir, t.name(), IntStream.range(0, t.partitions()).boxed().toList());
            }
        } else {
            for (DescribableLogDirTopic t : request.topics()) {
                describe(dir, t.topic(), t.partitions());
            }
        }
        try {
            FileStore store = Files.getFileStore(dataDir);
            dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            dir.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        response.results().add(dir);
        return CompletableFuture.completedFuture(response);
    }

    /** Adds the partitions of {@code topic} among {@code partitions} that have a replica here. */
    private void describe(DescribeLogDirsResult dir, String topic, Collection<Integer> partitions) {
        DescribeLogDirsTopic out = new DescribeLogDirsTopic().setName(topic);
        for (int p : partitions) {
            local(topic, p).ifPresent(log -> out.partitions().add(new DescribeLogDirsPartition()
                    .setPartitionIndex(p)
                    .setPartitionSize(log.sizeInBytes())
                    .setOffsetLag(Math.max(0, log.highWatermark() - log.logEndOffset()))
                    .setIsFutureKey(false)));
        }
        if (!out.partitions().isEmpty()) {
            dir.topics().add(out);
        }
    }

    private Optional<Log> local(String topic, int partition) {
        try {
            return Optional.of(topics.log(topic, partition));
        } catch (ApiException e) {
            return Optional.empty(); // no replica here (or no such partition): Kafka lists only what the dir holds
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
