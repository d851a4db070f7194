package io.samsa.broker.metrics;

/** Prometheus's text exposition format, appended to a StringBuilder: headers, plain and labelled samples. */
final class PrometheusText {
    private PrometheusText() {
    }

    static void counter(StringBuilder out, String name, String help, double value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(format(value)).append('\n');
    }

    static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(format(value)).append('\n');
    }

    static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static void sample(StringBuilder out, String name, String label, String value, double v) {
        out.append(name).append('{').append(label).append("=\"").append(value).append("\"} ").append(format(v))
                .append('\n');
    }

    static void partitionSample(StringBuilder out, String name, String topic, int partition, double v) {
        out.append(name).append("{topic=\"").append(topic).append("\",partition=\"").append(partition).append("\"} ")
                .append(format(v)).append('\n');
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
