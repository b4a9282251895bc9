package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.Trt4jCommand;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.ShapeRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExportTritonCommandTest {
    @TempDir
    Path dir;

    static CliRun exportTriton(String... args) {
        CommandLine cl = Trt4jCommand.newCommandLine();
        String[] all = new String[args.length + 1];
        all[0] = "export-triton";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(cl, all);
    }

    private Path engine(String name, long maxBatch) throws Exception {
        Path engine = dir.resolve(name);
        Files.write(engine, new byte[] {9, 8, 7});
        EngineSidecarFile.write(engine, new EngineSidecar(1, "e", "10.15.1", "Tesla T4", "7.5", "int8", "explicit",
                true, null, null, "cls.onnx", "m", List.of(Map.of("x", new ShapeRange(new long[] {1, 3, 48, 192},
                new long[] {8, 3, 48, 192}, new long[] {maxBatch, 3, 48, 320})))));
        return engine;
    }

    @Test
    void writesOneModelPerEngineWithTensorsFromTheOnnxModel() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path a = engine("cls.fp16.engine", 32);
        Path b = engine("cls.int8.engine", 64);
        Path repo = dir.resolve("repo");
        CliRun run = exportTriton(a.toString(), b.toString(), "--out", repo.toString(), "--instances", "2",
                "--preferred-batch", "8");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(repo.resolve("cls.fp16/1/model.plan"))).containsExactly(9, 8, 7);
        String config = Files.readString(repo.resolve("cls.int8/config.pbtxt"));
        assertThat(config).contains("name: \"cls.int8\"", "platform: \"tensorrt_plan\"", "max_batch_size: 64",
                "name: \"x\"\n    data_type: TYPE_FP32\n    dims: [ 3, 48, -1 ]", "dims: [ 2 ]",
                "preferred_batch_size: [ 8 ]", "count: 2");
        assertThat(Files.readString(repo.resolve("cls.fp16/config.pbtxt"))).contains("max_batch_size: 32");
        assertThat(run.out().lines()).hasSize(2);
    }

    @Test
    void checksEveryEngineBeforeWritingAnything() throws Exception {
        Path good = engine("a.engine", 32);
        Path repo = dir.resolve("repo");
        CliRun missing = exportTriton(good.toString(), dir.resolve("gone.engine").toString(), "--out",
                repo.toString(), "--model", dir.resolve("none.onnx").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.errLines().get(0)).startsWith("trt4j: ").endsWith("none.onnx: no such model file");
        CliRun noModel = exportTriton(good.toString(), "--out", repo.toString());
        assertThat(noModel.errLines()).singleElement().asString().contains("pass the ONNX model with --model");
        assertThat(Files.exists(repo)).isFalse();
    }

    @Test
    void anOnnxModelIsCalledOneByNameOrByContent() throws Exception {
        Path model = TestModels.ppocrClassifier(dir.resolve("small.onnx"));
        Path renamed = Files.copy(model, dir.resolve("small.bin"));
        Path repo = dir.resolve("repo");

        for (Path file : List.of(model, renamed)) {
            CliRun run = exportTriton(file.toString(), "--out", repo.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).as(file.toString()).containsExactly("trt4j: " + file + ": an ONNX model, "
                    + "not a TensorRT engine; export-triton takes engines built by trt4j build");
        }
        assertThat(repo).doesNotExist();
    }

    @Test
    void refusesNegativeGpuIdsAndNamesEachBadOption() throws Exception {
        Path engine = engine("a.engine", 32);
        Path repo = dir.resolve("repo");

        CliRun gpus = exportTriton(engine.toString(), "--out", repo.toString(), "--gpus", "0,-1");
        CliRun instances = exportTriton(engine.toString(), "--out", repo.toString(), "--instances", "0");
        CliRun maxBatch = exportTriton(engine.toString(), "--out", repo.toString(), "--max-batch", "-4");

        assertThat(gpus.exitCode()).isEqualTo(2);
        assertThat(gpus.errLines().get(0)).isEqualTo("trt4j: --gpus: a GPU id must not be negative, got -1");
        assertThat(instances.errLines().get(0)).isEqualTo("trt4j: --instances must be at least 1, got 0");
        assertThat(maxBatch.errLines().get(0)).isEqualTo("trt4j: --max-batch must not be negative, got -4");
        assertThat(repo).doesNotExist();
    }
}
