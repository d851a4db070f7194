package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * The broker runs out of file descriptors (its soft limit lowered from outside with {@code prlimit}) while
 * clients keep connecting: accept fails with EMFILE, and the connections wait in the listen backlog. Before the
 * fix the acceptor retried at once, spinning a core and writing a warning per attempt; now it backs off (100 ms
 * doubling to 1 s), and once descriptors are back the waiting clients are served.
 */
class AcceptBackoffTest {
    private static final String ACCEPT_FAILED = "Accept failed";
    /** How long accept keeps failing while the log is watched. */
    private static final long WINDOW_MS = 3000;

    @RegisterExtension
    static final BrokerPerClass started = new BrokerPerClass(Map.of(
                "num.network.threads", "1"));

    @Test
    void acceptBacksOffWhenFileDescriptorsRunOut() throws Exception {
        String pid = Long.toString(started.process().pid());
        long openNow;
        try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
            openNow = fds.count();
        }
        String[] limits = Files.readAllLines(Path.of("/proc", pid, "limits")).stream()
                .filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow().trim().split("\\s+");
        String softLimit = limits[3];
        List<Socket> clients = new ArrayList<>();
        int failuresLogged;
        try {
            prlimit(pid, Long.toString(openNow + 3));
            int before = count(started.process().output(), ACCEPT_FAILED);
            for (int i = 0; i < 20; i++) {
                clients.add(new Socket("127.0.0.1", started.process().port())); // completes in the kernel's backlog
            }
            Thread.sleep(WINDOW_MS); // a measurement window: how often accept is retried meanwhile
            failuresLogged = count(started.process().output(), ACCEPT_FAILED) - before;
        } finally {
            prlimit(pid, softLimit);
            for (Socket s : clients) {
                s.close();
            }
        }
        System.out.printf("AcceptBackoffTest: %d accept failures logged in %d ms without file descriptors%n",
                failuresLogged, WINDOW_MS);
        assertThat(failuresLogged).as("accept failed at all (else the test proves nothing)").isPositive();
        // Backing off from 100 ms, at most WINDOW_MS / 100 retries fit in the window; a spinning acceptor
        // logs thousands.
        assertThat(failuresLogged).as("accept retries in " + WINDOW_MS + " ms").isLessThanOrEqualTo(
                (int) (WINDOW_MS / 100));
        started.process().health(1, started.metricsPort()).assertHealthy("accept failing for lack of file descriptors", 0);
    }

    private static void prlimit(String pid, String soft) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("prlimit", "--pid", pid, "--nofile=" + soft + ":").inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("prlimit " + soft).isTrue();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
