package dev.trt4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Option mistakes are caught before any model or native work, each as one line with exit 1. */
class BuildCommandTest {
    @TempDir
    Path dir;

    @Test
    void conflictingOrMalformedOptionsFailWithOneLine() throws Exception {
        Path model = Files.writeString(dir.resolve("m.onnx"), "not read before the options are checked");
        assertThat(run("build", model.toString(), "--precision", "int9"))
                .isEqualTo("unknown precision 'int9'; use one of fp32|fp16|int8");
        assertThat(run("build", model.toString(), "--precision", "fp16", "--shapes", "x:1x3", "--min-shapes", "x:1x3"))
                .isEqualTo("--shapes cannot be combined with --min-shapes/--opt-shapes/--max-shapes");
        assertThat(run("build", model.toString(), "--precision", "fp32", "--workspace", "lots"))
                .startsWith("--workspace: 'lots' is not a size");
        assertThat(run("build", model.toString(), "--precision", "int8", "--calibrator", "kl"))
                .startsWith("unknown calibrator 'kl'");
        assertThat(run("build", model.toString(), "--precision", "fp32", "--data", dir.toString()))
                .contains("no calibration data sources wired into build");
        assertThat(run("build", model.toString(), "--precision", "fp32", "--shapes", "x:1x3"))
                .contains("m.onnx: not an ONNX model");
        assertThat(Files.list(dir).count()).isEqualTo(1);
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = CommandProcess.commandLine(new BuildCommand());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int exit = cl.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().strip();
    }
}
