package io.samsa.bench.compare;

/** One point of the matrix: record size, partitions, acks and compression, the same for both brokers. */
record Cell(int recordSize, int partitions, String acks, String compression) {

    /** Short and stable: used in topic names, the CSV and the table. */
    String label() {
        String size = recordSize % 1024 == 0 ? recordSize / 1024 + "KiB" : recordSize + "B";
        return size + " p" + partitions + " acks=" + acks + " " + compression;
    }

    String topicPart() {
        return recordSize + "-" + partitions + "-" + ("all".equals(acks) ? "all" : acks) + "-" + compression;
    }
}
