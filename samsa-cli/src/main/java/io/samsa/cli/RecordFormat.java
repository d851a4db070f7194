package io.samsa.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How {@code samsa consume} prints a record: {@code value} (the default), {@code json} (one JSON object per
 * line with every field), or a comma-separated list of fields printed tab-separated in that order, from
 * key, value, partition, offset, timestamp, headers (e.g. {@code partition,offset,key,value}).
 */
final class RecordFormat {
    enum Field { KEY, VALUE, PARTITION, OFFSET, TIMESTAMP, HEADERS }

    private final boolean json;
    private final List<Field> fields;

    private RecordFormat(boolean json, List<Field> fields) {
        this.json = json;
        this.fields = fields;
    }

    static RecordFormat parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("json")) {
            return new RecordFormat(true, List.of());
        }
        List<Field> fields = new ArrayList<>();
        for (String name : s.split(",")) {
            try {
                fields.add(Field.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UserException("--format: unknown field '" + name.trim() + "'; use 'value', 'json' or a "
                        + "comma-separated list of key, value, partition, offset, timestamp, headers");
            }
        }
        return new RecordFormat(false, List.copyOf(fields));
    }

    String format(ConsumerRecord<byte[], byte[]> r) {
        if (json) {
            StringBuilder b = new StringBuilder("{\"topic\":").append(quote(r.topic()))
                    .append(",\"partition\":").append(r.partition())
                    .append(",\"offset\":").append(r.offset())
                    .append(",\"timestamp\":").append(r.timestamp())
                    .append(",\"key\":").append(quote(text(r.key())))
                    .append(",\"value\":").append(quote(text(r.value())))
                    .append(",\"headers\":{");
            boolean first = true;
            for (Header h : r.headers()) {
                b.append(first ? "" : ",").append(quote(h.key())).append(':').append(quote(text(h.value())));
                first = false;
            }
            return b.append("}}").toString();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i > 0) {
                b.append('\t');
            }
            b.append(switch (f) {
                case KEY -> String.valueOf(text(r.key()));
                case VALUE -> String.valueOf(text(r.value()));
                case PARTITION -> String.valueOf(r.partition());
                case OFFSET -> String.valueOf(r.offset());
                case TIMESTAMP -> String.valueOf(r.timestamp());
                case HEADERS -> headers(r);
            });
        }
        return b.toString();
    }

    private static String headers(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder b = new StringBuilder();
        for (Header h : r.headers()) {
            b.append(b.length() == 0 ? "" : ",").append(h.key()).append('=').append(text(h.value()));
        }
        return b.length() == 0 ? "NO_HEADERS" : b.toString();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
