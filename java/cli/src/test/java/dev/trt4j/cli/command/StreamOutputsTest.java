package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * An output named as a stream ({@code --out /dev/stdout >> log.txt}) is refused in one line: trt4j renames a finished
 * file over its target, which replaced the redirected log with the model.
 */
class StreamOutputsTest {
    @TempDir
    Path dir;

    @Test
    void quantizeAndCalibrateRefuseAStreamAndKeepTheFileBehindIt() throws IOException {
        assumeThat(Path.of("/proc/self/fd")).as("needs Linux's /proc").isDirectory();
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path cal = dir.resolve("cal");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                cal.toString()).exitCode()).isZero();
        Path log = Files.writeString(dir.resolve("log.txt"), "the log\n");

        try (FileOutputStream redirected = new FileOutputStream(log.toFile(), true)) {
            Path stream = Path.of("/proc/self/fd/" + descriptorOf(log));
            CliRun quantize = CliRun.of("quantize", model.toString(), "--table",
                    cal.resolve("max.table.json").toString(), "--out", stream.toString());
            CliRun calibrate = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                    "/dev/stdout");

            assertThat(quantize.exitCode()).isEqualTo(1);
            assertThat(quantize.errLines()).containsExactly("trt4j: " + stream + ": cannot write: it names a stream "
                    + "(file descriptor " + stream.getFileName() + "), and trt4j writes files, not streams; name a "
                    + "file to write");
            assertThat(calibrate.exitCode()).isEqualTo(1);
            assertThat(calibrate.errLines()).containsExactly("trt4j: /dev/stdout: cannot write: it names a stream "
                    + "(standard output), and trt4j writes files, not streams; name a folder to write into");
        }
        assertThat(log).hasContent("the log");
    }

    /** The number of a descriptor this process holds open on {@code file}. */
    private static String descriptorOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        return fd.getFileName().toString();
                    }
                } catch (IOException closedSinceListed) {
                    // the listing's own descriptor, or one closed meanwhile
                }
            }
        }
        throw new IllegalStateException("no descriptor open on " + file);
    }
}
