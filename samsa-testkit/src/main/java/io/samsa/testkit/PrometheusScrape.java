package io.samsa.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads one unlabelled sample from a Samsa node's Prometheus endpoint ({@code metrics.port}), for tests that check
 * a broker counter from outside; and picks a free port to give a node as its {@code metrics.port}. Any thread.
 */
public final class PrometheusScrape {
    private PrometheusScrape() {
    }

    /** The value of {@code name} at {@code http://127.0.0.1:<port>/metrics}; AssertionError when it is missing. */
    public static double value(int port, String name) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("metric " + name + " not found on port " + port);
    }

    /** A port free now, for a node's {@code metrics.port}. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
