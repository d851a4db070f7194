package io.samsa.broker.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves {@code GET /metrics} in Prometheus text format 0.0.4.
 *
 * <p>A client that sends its request slowly or never reads the answer must not block scrapes: the JDK server
 * closes an exchange whose request or response takes longer than {@link #EXCHANGE_TIMEOUT_SECONDS} (its
 * {@code sun.net.httpserver.maxReqTime} / {@code maxRspTime}, set here unless the JVM was started with them), and
 * {@link #THREADS} threads serve exchanges, so a few stuck clients delay a scrape by that timeout at most.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** Below Prometheus's default scrape timeout (10 s), so a stuck client is gone before a scrape gives up. */
    static final int EXCHANGE_TIMEOUT_SECONDS = 5;
    private static final int THREADS = 2;

    static {
        // Read once by the JDK's server configuration, when the first HttpServer is created in this JVM.
        for (String key : new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"}) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, Integer.toString(EXCHANGE_TIMEOUT_SECONDS));
            }
        }
    }

    private final HttpServer server;

    public PrometheusEndpoint(String host, int port, Supplier<String> scrape) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange -> respond(exchange, scrape));
        server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "samsa-metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, Supplier<String> scrape) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
