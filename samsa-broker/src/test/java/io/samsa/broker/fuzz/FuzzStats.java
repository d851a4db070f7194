package io.samsa.broker.fuzz;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.WireCodec;

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

    /** Counts the error codes of a Produce answer (to a batch-mutated frame: does it reach the validator?). */
    void produceErrors(FuzzFrame frame, byte[] answer) {
        if (answer == null) {
            return;
        }
        short version = java.nio.ByteBuffer.wrap(frame.bytes()).getShort(6);
        int correlationId = java.nio.ByteBuffer.wrap(frame.bytes()).getInt(8);
        ProduceResponseData r;
        try {
            r = (ProduceResponseData) WireCodec.decodeResponse(java.nio.ByteBuffer.wrap(answer), ApiKeys.PRODUCE,
                    version, correlationId);
        } catch (RuntimeException e) {
            throw new AssertionError("the broker's Produce answer does not decode: " + e + "\nframe: " + frame, e);
        }
        synchronized (this) {
            r.responses().forEach(t -> t.partitionResponses().forEach(p -> counts.merge(
                    "mutated batch, partition answered " + Errors.forCode(p.errorCode()), 1, Integer::sum)));
        }
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
