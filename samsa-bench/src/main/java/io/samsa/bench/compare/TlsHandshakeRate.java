package io.samsa.bench.compare;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.WireCodec;

/**
 * New connections per second against one listener: T threads, each in a loop for S seconds opening a TCP connection,
 * (SSL) completing a full TLS handshake ({@code SSLSocket.startHandshake()}, TLS 1.3, the server certificate checked
 * against the trust store and its SAN), sending one ApiVersions v3 request, reading its response and closing. What a
 * client reconnect storm costs the broker. {@code PLAINTEXT} does the same without TLS, as the reference.
 * <pre>
 * TlsHandshakeRate --bootstrap-server HOST:PORT --security PLAINTEXT|SSL [--truststore P12 --password PW]
 *     [--threads 4] [--seconds 10] [--warmup-seconds 2] [--broker-pid PID] [--protocol TLSv1.3]
 * </pre>
 * The first {@code --warmup-seconds} are not counted: a fresh JVM's first handshakes run its TLS code interpreted,
 * on both sides. With {@code --broker-pid} (a process on this machine) it also reads that process's CPU seconds
 * (utime + stime) at the start and the end of the measured window.
 * Every handshake is a full one: the session is invalidated before the close, so the next connection cannot resume it
 * (a resumed TLS 1.3 handshake skips the certificate and its signature, which is most of the broker's cost). Latency
 * is per connection, from {@code connect()} to the ApiVersions response read. Prints one line:
 * {@code handshakes: SEC, N connections, T threads, S s, R/sec, p50 A ms, p99 B ms, max C ms, failed F, broker cpu
 * X s} (connections that ended inside the window); exit 1 if any connection failed or none succeeded. The threads
 * are this JVM's own; nothing is shared between them but the SSLContext (thread-safe) and the first error.
 */
public final class TlsHandshakeRate {
    private static final int TIMEOUT_MS = 30_000;

    private TlsHandshakeRate() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        String security = "SSL";
        Path truststore = null;
        String password = null;
        int threads = 4;
        int seconds = 10;
        int warmupSeconds = 2;
        long brokerPid = -1;
        String protocol = "TLSv1.3";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = v;
                case "--security" -> security = v;
                case "--truststore" -> truststore = Path.of(v);
                case "--password" -> password = v;
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(v);
                case "--broker-pid" -> brokerPid = Long.parseLong(v);
                case "--protocol" -> protocol = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        boolean ssl = security.equals("SSL");
        if (bootstrap == null || threads < 1 || seconds < 1 || warmupSeconds < 0
                || (!ssl && !security.equals("PLAINTEXT")) || (ssl && (truststore == null || password == null))) {
            System.err.println("usage: TlsHandshakeRate --bootstrap-server HOST:PORT --security PLAINTEXT|SSL"
                    + " [--truststore P12 --password PW] [--threads 4] [--seconds 10] [--warmup-seconds 2]"
                    + " [--broker-pid PID] [--protocol TLSv1.3]");
            System.exit(2);
        }
        String host = bootstrap.substring(0, bootstrap.lastIndexOf(':'));
        InetSocketAddress address = new InetSocketAddress(host,
                Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
        SSLContext context = ssl ? sslContext(truststore, password, protocol) : null;

        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(address, context, protocol, start, deadline, firstError);
            workers.add(w);
            w.thread.start();
        }
        TimeUnit.NANOSECONDS.sleep(start - System.nanoTime());
        double cpuBefore = brokerPid > 0 ? ProcStats.cpuSeconds(brokerPid) : Double.NaN;
        TimeUnit.NANOSECONDS.sleep(deadline - System.nanoTime());
        double cpu = brokerPid > 0 ? ProcStats.cpuSeconds(brokerPid) - cpuBefore : Double.NaN;
        long failed = 0;
        int n = 0;
        for (Worker w : workers) {
            w.thread.join();
            failed += w.failed;
            n += w.count;
        }
        double[] ms = new double[n];
        int i = 0;
        for (Worker w : workers) {
            for (int k = 0; k < w.count; k++) {
                ms[i++] = w.nanos[k] / 1e6;
            }
        }
        Arrays.sort(ms);
        double sec = (deadline - start) / 1e9;
        System.out.printf(Locale.ROOT, "handshakes: %s, %d connections, %d threads, %.1f s, %.1f/sec, p50 %.3f ms, "
                        + "p99 %.3f ms, max %.3f ms, failed %d, broker cpu %.3f s%n", security, n, threads, sec,
                n / sec, LatencyProbe.quantile(ms, 0.50), LatencyProbe.quantile(ms, 0.99),
                LatencyProbe.quantile(ms, 1.0), failed, cpu);
        if (firstError.get() != null) {
            System.err.println("first failure: " + firstError.get());
        }
        System.exit(failed > 0 || n == 0 ? 1 : 0);
    }

    /** Trust the bench CA only; the client presents no certificate (the brokers' ssl.client.auth is none). */
    private static SSLContext sslContext(Path truststore, String password, String protocol)
            throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** One connecting thread; its figures are read only after {@link Thread#join()}. */
    private static final class Worker {
        final Thread thread;
        long[] nanos = new long[1 << 14];
        int count;
        long failed;

        Worker(InetSocketAddress address, SSLContext context, String protocol, long start, long deadline,
               AtomicReference<String> firstError) {
            this.thread = new Thread(() -> {
                int correlation = 0;
                while (System.nanoTime() < deadline) {
                    long begin = System.nanoTime();
                    try {
                        connectOnce(address, context, protocol, ++correlation);
                        long end = System.nanoTime();
                        if (end < start || end > deadline) {
                            continue; // warm-up, or ended after the window (its CPU was not all counted)
                        }
                        if (count == nanos.length) {
                            nanos = Arrays.copyOf(nanos, count * 2);
                        }
                        nanos[count++] = end - begin;
                    } catch (IOException | RuntimeException e) {
                        failed++;
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }, "handshake-" + address.getPort());
        }
    }

    private static void connectOnce(InetSocketAddress address, SSLContext context, String protocol, int correlation)
            throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(address, TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            Socket s = plain;
            if (context != null) {
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain,
                        address.getHostString(), address.getPort(), true);
                tls.setEnabledProtocols(new String[] {protocol});
                // As the Kafka client: the certificate must name the host it was asked for (SAN IP:127.0.0.1).
                var params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                tls.startHandshake();
                s = tls;
            }
            apiVersions(s.getOutputStream(), s.getInputStream(), correlation);
            if (s instanceof SSLSocket tls) {
                tls.getSession().invalidate(); // the next connection must do a full handshake
            }
            s.close();
        } finally {
            plain.close();
        }
    }

    /** One ApiVersions v3 request and its response, through samsa-protocol's codec (the wire as any client has it). */
    private static void apiVersions(OutputStream out, InputStream in, int correlation) throws IOException {
        short version = 3;
        ByteBuffer frame = WireCodec.encodeRequest(ApiKeys.API_VERSIONS, version, "bench-handshake", correlation,
                new ApiVersionsRequestData().setClientSoftwareName("samsa-bench").setClientSoftwareVersion("1"));
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining()); // size prefix included
        out.flush();
        DataInputStream data = new DataInputStream(in);
        int size = data.readInt();
        if (size < 4 || size > 1 << 20) {
            throw new IOException("bad response size " + size);
        }
        byte[] response = new byte[size];
        data.readFully(response);
        ApiVersionsResponseData r = (ApiVersionsResponseData) WireCodec.decodeResponse(ByteBuffer.wrap(response),
                ApiKeys.API_VERSIONS, version, correlation);
        Errors error = Errors.forCode(r.errorCode());
        if (error != Errors.NONE) {
            throw new IOException("ApiVersions v3 answered " + error);
        }
    }
}
