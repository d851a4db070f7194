package io.samsa.broker.fuzz;

import java.util.Map;
import java.util.TreeMap;

/** Counts of what the frames got, per phase, printed at the end of the run. Shared by the workers. */
final class FuzzStats {
    private final Map<String, Integer> counts = new TreeMap<>();

    synchronized void count(String phase, FuzzConnection.Outcome outcome) {
        counts.merge(phase + " " + outcome.name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    }

    synchronized void skipped(String why) {
        counts.merge("skipped: " + why, 1, Integer::sum);
    }

    synchronized void validClosed(String origin) {
        counts.merge("valid closed by " + origin, 1, Integer::sum);
    }

    synchronized void excused(String why) {
        counts.merge("no answer, excused (" + why + ")", 1, Integer::sum);
    }

    synchronized int total(String phase) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(phase + " "))
                .mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
