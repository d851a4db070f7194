package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active index is a sparse, memory-mapped file. On a full disk, touching a page of it that has no block yet
 * raises SIGBUS, which the JVM turns into an InternalError, possibly later and at an unrelated point of the
 * thread (compiled code). Index entries must therefore never land on an unbacked page: on a full disk an index
 * append fails with an IOException (ENOSPC) at the append, and succeeds again once space is freed. Runs on a
 * real full tmpfs (mounted by the test; skipped when mounting is not permitted).
 */
class IndexOnFullDiskTest {
    private static final int TMPFS_KIB = 512;

    @TempDir
    Path tmp;
    private Path mount;

    @BeforeEach
    void mountTmpfs() {
        mount = tmp.resolve("tmpfs");
        Assumptions.assumeTrue(mount.toFile().mkdirs() && run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_KIB + "k",
                "tmpfs", mount.toString()), "mounting a tmpfs is not permitted here (needs root)");
    }

    @AfterEach
    void unmount() {
        run("umount", "-l", mount.toString());
    }

    @Test
    void offsetIndexAppendOnAFullDiskFailsWithAnIoErrorAndWorksAgainOnceSpaceIsFreed() throws Exception {
        OffsetIndex index = new OffsetIndex(mount.resolve("0.index"), 0, 1 << 20, true);
        Path filler = fillTheDisk();
        int entriesPerPage = 4096 / 8;
        assertThatThrownBy(() -> {
            for (int i = 0; i < 4 * entriesPerPage; i++) {
                index.append(i, i * 100);
            }
        }).isInstanceOf(IOException.class);
        int written = index.entries();
        assertThat(index.lookup(written - 1)).isEqualTo(Math.max(0, written - 1) * 100);

        Files.delete(filler);
        for (int i = written; i < written + 4 * entriesPerPage; i++) {
            index.append(i, i * 100);
        }
        assertThat(index.entries()).isEqualTo(written + 4 * entriesPerPage);
        assertThat(index.lookup(written + 1000)).isEqualTo((written + 1000) * 100);
        index.close();
    }

    @Test
    void timeIndexAppendOnAFullDiskFailsWithAnIoError() throws Exception {
        TimeIndex index = new TimeIndex(mount.resolve("0.timeindex"), 0, 1 << 20, true);
        fillTheDisk();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 2048; i++) {
                index.maybeAppend(1_000 + i, i);
            }
        }).isInstanceOf(IOException.class);
        index.close();
    }

    /** Writes a filler file until the tmpfs refuses more bytes. */
    private Path fillTheDisk() throws IOException {
        Path filler = mount.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            return filler;
        }
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
