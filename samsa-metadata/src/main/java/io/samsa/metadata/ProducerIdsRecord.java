package io.samsa.metadata;

/**
 * A block of producer ids {@code [firstProducerId, firstProducerId + blockSize)} handed to {@code brokerId};
 * no id below the block's end is ever handed out again. As Kafka's {@code ProducerIdsRecord}, which records
 * only the next block's start; here the block itself, so a broker can tell which ids are its own.
 */
public record ProducerIdsRecord(int brokerId, long firstProducerId, int blockSize) implements MetadataRecord {
    public ProducerIdsRecord {
        if (firstProducerId < 0 || blockSize < 1) {
            throw new IllegalArgumentException("Invalid producer id block " + firstProducerId + "+" + blockSize);
        }
    }

    /** The first id after this block. */
    public long nextBlockStart() {
        return firstProducerId + blockSize;
    }
}
