package io.samsa.broker.network;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.protocol.WireCodec;

/**
 * Looks at a broker child process from outside: its thread names (/proc), live instances of a class (jcmd
 * GC.class_histogram, which runs a full GC first), and raw Kafka frames for tests on plain sockets.
 */
final class BrokerProbe {
    private BrokerProbe() {
    }

    /** A broker child process and the metrics port it serves. */
    record Started(BrokerProcess broker, int metricsPort) {
    }

    /**
     * Starts a broker with {@code metrics.port} set, on ports that were free a moment ago; tries again with fresh
     * ports if another process took one in between (the machine is shared).
     */
    static Started startBroker(Path dataDir, Map<String, String> extra) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int metricsPort = BrokerProcess.freePort();
            Map<String, String> props = new HashMap<>(extra);
            props.put("metrics.port", Integer.toString(metricsPort));
            try {
                return new Started(BrokerProcess.start(dataDir, BrokerProcess.freePort(), props), metricsPort);
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** Names of the process's threads, as the kernel knows them (truncated to 15 characters). */
    static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (IOException threadEnded) {
                    // the thread ended while we listed
                }
            }
        }
        return names;
    }

    /** Live instances of {@code className} after a full GC, from {@code jcmd <pid> GC.class_histogram}. */
    static long liveInstances(long pid, String className) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd failed: " + out);
        }
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[3].equals(className)) {
                return Long.parseLong(cols[1]);
            }
        }
        return 0;
    }

    /** An ApiVersions v0 request frame (size prefix included). */
    static byte[] apiVersionsV0(int correlationId) {
        byte[] clientId = "probe".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + 10 + clientId.length);
        frame.putInt(10 + clientId.length).putShort((short) 18).putShort((short) 0).putInt(correlationId)
                .putShort((short) clientId.length).put(clientId);
        return frame.array();
    }

    /** A request frame (size prefix included) for any API the codec knows. */
    static byte[] request(ApiKeys key, short version, int correlationId, ApiMessage body) {
        ByteBuffer frame = WireCodec.encodeRequest(key, version, "probe", correlationId, body);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** Reads one response frame and returns its correlation id. */
    static int readResponse(DataInputStream in) throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body).getInt();
    }

    /** Reads one response frame and decodes it. */
    static ApiMessage readResponse(DataInputStream in, ApiKeys key, short version, int correlationId)
            throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return WireCodec.decodeResponse(ByteBuffer.wrap(body), key, version, correlationId);
    }
}
