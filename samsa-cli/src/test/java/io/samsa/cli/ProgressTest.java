package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void aBarIsRedrawnBelowWindowLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        Progress p = new Progress(1000, "records", Progress.Mode.BAR, new PrintStream(out, true), new PrintStream(bar, true));
        p.completed(250);
        p.window("250 records sent, 2500.0 records/sec\n");
        p.close();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("250 records sent, 2500.0 records/sec\n");
        assertThat(bar.toString(StandardCharsets.UTF_8))
                .startsWith("\r\033[K") // the bar line is cleared before the window line prints
                .contains("[########......................]  25% 250/1,000 records");
    }

    @Test
    void plainModePrintsOnlyWindowLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        try (Progress p = new Progress(10, "records", Progress.Mode.PLAIN, new PrintStream(out, true),
                new PrintStream(bar, true)).start()) {
            p.completed(5);
            p.window("5 records sent");
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("5 records sent" + System.lineSeparator());
        assertThat(bar.size()).isZero();
    }
}
