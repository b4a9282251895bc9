package dev.trt4j.cli;

import dev.trt4j.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime's native library comes from trt4j's cache folder, never from a new folder in the temporary folder:
 * a command that made session options before the environment loaded it from there, and left a folder per run.
 */
class NativeLibraryFolderTest {
    @TempDir
    Path work;

    @Test
    void convertAndQuantizeUnpackNothingIntoTheTemporaryFolder() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp, "-Dtrt4j.cache.dir=" + work.resolve("cache"));

        Result fp16 = CliProcess.run(work, CliProcess.testClassPath(), Map.of(), jvm, "convert", model.toString(),
                "--fp16", "--out", work.resolve("mm.fp16.onnx").toString());
        assertThat(fp16.exit()).as(String.join("\n", fp16.stderrLines())).isZero();
        Path table = work.resolve("mm.table.json");
        Files.writeString(table, "{\"format\":\"trt4j.calibration-table\",\"version\":1,\"provenance\":{\"method\":"
                + "\"max\"},\"tensors\":{\"x\":{\"amax\":1.0}}}");
        Result quantized = CliProcess.run(work, CliProcess.testClassPath(), Map.of(), jvm, "quantize",
                model.toString(), "--table", table.toString(), "--out", work.resolve("mm.int8.onnx").toString());
        assertThat(quantized.exit()).as(String.join("\n", quantized.stderrLines())).isZero();

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("onnxruntime-java"));
        }
        assertThat(work.resolve("cache")).isDirectory();
    }
}
