package io.samsa.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every measured value of the run, one per (broker, test, client, cell, metric, repeat), kept in the order
 * measured; medians per key for the table and the chart.
 */
final class Samples {
    static final String CSV_HEADER = "broker,test,client,cell,metric,repeat,value";

    /** What a row of the table is about: everything but the broker and the repeat. */
    record Key(String test, String client, String cell, String metric) {
    }

    record Sample(String broker, Key key, int repeat, double value) {
    }

    private final List<Sample> all = new ArrayList<>();

    synchronized void add(String broker, String test, String client, String cell, String metric, int repeat,
                          double value) {
        if (!Double.isNaN(value)) {
            all.add(new Sample(broker, new Key(test, client, cell, metric), repeat, value));
        }
    }

    /** The keys in the order first measured. */
    synchronized List<Key> keys() {
        Map<Key, Boolean> seen = new LinkedHashMap<>();
        all.forEach(s -> seen.put(s.key(), true));
        return new ArrayList<>(seen.keySet());
    }

    synchronized Optional<Double> median(String broker, Key key) {
        double[] v = all.stream().filter(s -> s.broker().equals(broker) && s.key().equals(key))
                .mapToDouble(Sample::value).sorted().toArray();
        if (v.length == 0) {
            return Optional.empty();
        }
        return Optional.of(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
    }

    synchronized int count(String broker, Key key) {
        return (int) all.stream().filter(s -> s.broker().equals(broker) && s.key().equals(key)).count();
    }

    synchronized void writeCsv(Path file) throws IOException {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (Sample s : all) {
            b.append(String.join(",", Arrays.asList(csv(s.broker()), csv(s.key().test()), csv(s.key().client()),
                            csv(s.key().cell()), csv(s.key().metric()), Integer.toString(s.repeat()),
                            String.format(Locale.ROOT, "%.4f", s.value()))))
                    .append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
