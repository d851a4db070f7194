package io.samsa.log;

/**
 * The topic and partition a log directory is named by ({@code <topic>-<partition>}, Kafka's layout). Immutable.
 */
record LogDirName(String topic, int partition) {

    /**
     * Parses "topic-partition" (splitting on the last '-'); null when the name is not one. Topic names may start
     * with '.' ({@code .hidden-0}); {@code -delete} and {@code -stray} directories end in letters, so never parse.
     */
    static LogDirName parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String partition = name.substring(dash + 1);
        for (int i = 0; i < partition.length(); i++) {
            if (!Character.isDigit(partition.charAt(i))) {
                return null;
            }
        }
        try {
            return new LogDirName(name.substring(0, dash), Integer.parseInt(partition));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
