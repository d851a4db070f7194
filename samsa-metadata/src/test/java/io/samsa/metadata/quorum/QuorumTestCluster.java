package io.samsa.metadata.quorum;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.samsa.metadata.AtomicFileWriter;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataStateMachine;

/** Three (or more) in-process quorum members on loopback ports, each with its own state machine and directory. */
final class QuorumTestCluster implements AutoCloseable {
    static final AtomicFileWriter WRITER = (target, content) -> {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    };

    /** One member; its listener records whether it believes itself active. */
    static final class Member {
        final int id;
        final MetadataStateMachine state = new MetadataStateMachine();
        final RatisMetadataLog log;
        final AtomicBoolean active = new AtomicBoolean();
        final AtomicInteger activations = new AtomicInteger();

        Member(int id, QuorumConfig config) {
            this.id = id;
            this.log = new RatisMetadataLog(config, WRITER);
            log.addLeadershipListener(new LeadershipListener() {
                @Override
                public void onBecomeActive(long term) {
                    activations.incrementAndGet();
                    active.set(true);
                }

                @Override
                public void onResign() {
                    active.set(false);
                }
            });
        }
    }

    private final Path dir;
    private final Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
    private final long snapshotThreshold;
    private final long segmentBytes;
    /** Null: plaintext. */
    private final QuorumTls tls;
    final Map<Integer, Member> members = new LinkedHashMap<>();

    QuorumTestCluster(Path dir, int size, long snapshotThreshold, long segmentBytes) throws IOException {
        this(dir, size, snapshotThreshold, segmentBytes, "127.0.0.1", null);
    }

    /** Members on {@code host} (any loopback address), speaking TLS when {@code tls} is set. */
    QuorumTestCluster(Path dir, int size, long snapshotThreshold, long segmentBytes, String host, QuorumTls tls)
            throws IOException {
        this.dir = dir;
        this.tls = tls;
        this.snapshotThreshold = snapshotThreshold;
        this.segmentBytes = segmentBytes;
        for (int id = 1; id <= size; id++) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
                voters.put(id, new InetSocketAddress(host, s.getLocalPort()));
            }
        }
        for (int id : voters.keySet()) {
            start(id);
        }
    }

    Member start(int id) throws IOException {
        return start(id, m -> { });
    }

    /** Starts a member; {@code beforeStart} may register publishers on its state machine first. */
    Member start(int id, java.util.function.Consumer<Member> beforeStart) throws IOException {
        QuorumConfig config = QuorumConfig.of(id, voters, dir.resolve("node-" + id))
                .withSnapshots(snapshotThreshold, segmentBytes).withTls(tls);
        Member m = new Member(id, config);
        beforeStart.accept(m);
        m.log.start(m.state);
        members.put(id, m);
        return m;
    }

    void stop(int id) throws IOException {
        Member m = members.remove(id);
        if (m != null) {
            m.log.close();
        }
    }

    /** {@code controller.quorum.voters}: every member's address, stopped ones too. */
    Map<Integer, InetSocketAddress> voters() {
        return Map.copyOf(voters);
    }

    Member member(int id) {
        return members.get(id);
    }

    /** The member that is active (Ratis leader, ready, its listener told), once there is exactly one. */
    Member awaitActive() {
        Member[] found = new Member[1];
        await(() -> {
            List<Member> active = new ArrayList<>();
            for (Member m : members.values()) {
                if (m.log.isActive() && m.active.get()) {
                    active.add(m);
                }
            }
            found[0] = active.size() == 1 ? active.get(0) : null;
            return found[0] != null;
        }, "exactly one active member");
        return found[0];
    }

    Member follower() {
        Member leader = awaitActive();
        return members.values().stream().filter(m -> m != leader).findFirst().orElseThrow();
    }

    /** Waits until every running member's image reached {@code offset}; returns the images. */
    List<MetadataImage> imagesAt(long offset) {
        await(() -> members.values().stream().allMatch(m -> m.state.image().offset() >= offset),
                "every member at offset " + offset);
        return members.values().stream().map(m -> m.state.image()).toList();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (int id : new ArrayList<>(members.keySet())) {
            stop(id);
        }
    }
}
