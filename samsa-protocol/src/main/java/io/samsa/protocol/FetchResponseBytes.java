package io.samsa.protocol;

import org.apache.kafka.common.message.FetchResponseData;

/** The record bytes a Fetch response carries, whatever form its records take (in memory or a file slice). */
public final class FetchResponseBytes {
    private FetchResponseBytes() {
    }

    /** The sum of every partition's record bytes (what a consumer's byte-rate quota counts). */
    public static long of(FetchResponseData response) {
        long bytes = 0;
        for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                bytes += p.records() == null ? 0 : p.records().sizeInBytes();
            }
        }
        return bytes;
    }
}
