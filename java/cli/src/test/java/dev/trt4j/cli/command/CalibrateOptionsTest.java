package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trt4j calibrate} options refused before any data is read. */
class CalibrateOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aMethodGivenTwiceIsRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("cal");

        CliRun run = CliRun.of("calibrate", "--method", "max,entropy", "--method", "max", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: --method gives max twice; give each method once");
        assertThat(out).doesNotExist();
    }
}
