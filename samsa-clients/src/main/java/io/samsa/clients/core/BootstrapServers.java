package io.samsa.clients.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;

/**
 * The one parser of {@code bootstrap.servers} for producer, consumer and admin, with Kafka's rules and messages:
 * each non-empty entry is {@code HOST:PORT} or {@code [IPv6]:PORT} ("Invalid url in bootstrap.servers: ..."),
 * the port is 0-65535 ("Invalid port in bootstrap.servers: ..."), and at least one entry must remain ("No
 * resolvable bootstrap urls given in bootstrap.servers"). Host names are not resolved here: the connection
 * resolves them when it connects (as Samsa's clients always have; {@code client.dns.lookup} is accepted and
 * validated by Kafka's config classes but not acted on). Stateless; safe from any thread.
 */
public final class BootstrapServers {
    /** Kafka's host:port pattern (an IPv6 host in brackets, or bare as the last colon splits it). */
    private static final Pattern HOST_PORT = Pattern.compile(".*?\\[?([0-9a-zA-Z\\-%._:]*)\\]?:([0-9]+)");
    private static final String KEY = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;

    /** One bootstrap address as the user wrote it ({@code url}) and as it is dialled. */
    public record Address(String url, String host, int port) {
    }

    private BootstrapServers() {
    }

    /** Parses a comma-separated list ("a:9092, b:9092"), as {@code bootstrap.servers} in a properties file. */
    public static List<Address> parse(String commaSeparated) {
        List<String> urls = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            urls.add(s.trim());
        }
        return parse(urls);
    }

    public static List<Address> parse(List<String> urls) {
        List<Address> out = new ArrayList<>();
        for (String raw : urls) {
            String url = raw == null ? null : raw.trim();
            if (url == null || url.isEmpty()) {
                continue;
            }
            Matcher m = HOST_PORT.matcher(url);
            if (!m.matches() || m.group(1).isEmpty()) {
                throw new ConfigException("Invalid url in " + KEY + ": " + url);
            }
            int port;
            try {
                port = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException("Invalid port in " + KEY + ": " + url);
            }
            out.add(new Address(url, m.group(1), port));
        }
        if (out.isEmpty()) {
            throw new ConfigException("No resolvable bootstrap urls given in " + KEY);
        }
        return List.copyOf(out);
    }
}
