package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.Trt4jCommand;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.table.Provenance;
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

    /** Stands in for a serialized engine: binary (a zero byte up front), with the SHA-256 its sidecar records. */
    private static final byte[] ENGINE_BYTES = {9, 0, 7};

    private Path engine(String name, long maxBatch) throws Exception {
        return engine(name, 1, maxBatch);
    }

    private Path engine(String name, long minBatch, long maxBatch) throws Exception {
        Path engine = dir.resolve(name);
        Files.write(engine, ENGINE_BYTES);
        Path model = dir.resolve("cls.onnx");
        String modelSha256 = Files.exists(model) ? Provenance.sha256(model) : "m";
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(ENGINE_BYTES), "10.15.1", "Tesla T4",
                "7.5", "int8", "explicit", true, null, null, "cls.onnx", modelSha256, List.of(Map.of("x",
                new ShapeRange(new long[] {minBatch, 3, 48, 192}, new long[] {minBatch, 3, 48, 192},
                new long[] {maxBatch, 3, 48, 320})))));
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
        assertThat(Files.readAllBytes(repo.resolve("cls.fp16/1/model.plan"))).containsExactly(ENGINE_BYTES);
        String config = Files.readString(repo.resolve("cls.int8/config.pbtxt"));
        assertThat(config).contains("name: \"cls.int8\"", "platform: \"tensorrt_plan\"", "max_batch_size: 64",
                "name: \"x\"\n    data_type: TYPE_FP32\n    dims: [ 3, 48, -1 ]", "dims: [ 2 ]",
                "preferred_batch_size: [ 8 ]", "count: 2");
        assertThat(Files.readString(repo.resolve("cls.fp16/config.pbtxt"))).contains("max_batch_size: 32");
        // Triton refuses a plan of another TensorRT version or GPU model: each line and config names the sidecar's
        assertThat(run.out().lines()).containsExactly(
                repo.resolve("cls.fp16") + ": max_batch_size 32, dynamic batching, 2 instance(s) per GPU; needs "
                        + "TensorRT 10.15.1 on Tesla T4 (compute capability 7.5)",
                repo.resolve("cls.int8") + ": max_batch_size 64, dynamic batching, 2 instance(s) per GPU; needs "
                        + "TensorRT 10.15.1 on Tesla T4 (compute capability 7.5)");
        assertThat(config).startsWith("# model.plan needs TensorRT 10.15.1 on Tesla T4 (compute capability 7.5): "
                + "Triton loads it only with that TensorRT version (its\n# tritonserver image's) and on that GPU "
                + "model.\nname: \"cls.int8\"\n");
    }

    /** An engine already inside the repository is the very model.plan an export of it writes: refused, untouched. */
    @Test
    void anEngineTheExportWouldWriteOverIsRefused() throws Exception {
        Path model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path placed = engine("model.plan", 32);
        Path repo = dir.resolve("repo");
        Path version = Files.createDirectories(repo.resolve("model/1"));
        Path plan = Files.move(placed, version.resolve("model.plan"));
        Files.move(EngineSidecarFile.pathFor(placed), EngineSidecarFile.pathFor(plan));

        CliRun run = exportTriton(plan.toString(), "--model", model.toString(), "--out", repo.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out " + repo + " would write " + plan + ", which is an "
                + "engine this command reads; give another --out");
        assertThat(repo.resolve("model/config.pbtxt")).doesNotExist();
        assertThat(Files.readAllBytes(plan)).containsExactly(ENGINE_BYTES);
    }

    @Test
    void anEngineGivenTwiceOrNamedWithoutAModelNameIsSaidSo() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path a = engine("cls.fp16.engine", 32);
        Path repo = dir.resolve("repo");
        CliRun twice = exportTriton(a.toString(), dir.resolve(".").resolve("cls.fp16.engine").toString(), "--out",
                repo.toString());
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.errLines()).containsExactly("trt4j: " + dir.resolve(".").resolve("cls.fp16.engine")
                + ": given twice; give each engine once");
        Path bare = engine(".engine", 32);
        CliRun nameless = exportTriton(bare.toString(), "--out", repo.toString(), "--model",
                dir.resolve("cls.onnx").toString());
        assertThat(nameless.errLines()).containsExactly("trt4j: " + bare + ": its file name leaves no Triton model "
                + "name (''); rename it, e.g. model.engine");
        assertThat(repo).doesNotExist();
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

    /** The second model's config is blocked: found before the first engine is copied, so no model is added. */
    @Test
    void aFolderWhereAFileGoesStopsTheExportBeforeAnyModelIsWritten() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path a = engine("cls.fp16.engine", 32);
        Path b = engine("cls.int8.engine", 64);
        Path repo = dir.resolve("repo");
        Path blocked = Files.createDirectories(repo.resolve("cls.int8/config.pbtxt"));
        CliRun run = exportTriton(a.toString(), b.toString(), "--out", repo.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + blocked + ": is a folder; cannot write the file there "
                + "(nothing was written)");
        assertThat(repo.resolve("cls.fp16")).doesNotExist();

        Files.delete(blocked);
        Files.writeString(repo.resolve("cls.int8/1"), "a file where the version folder goes");
        CliRun file = exportTriton(a.toString(), b.toString(), "--out", repo.toString());
        assertThat(file.exitCode()).isEqualTo(1);
        assertThat(file.errLines()).containsExactly("trt4j: " + repo.resolve("cls.int8/1/model.plan")
                + ": cannot write there: " + repo.resolve("cls.int8/1") + " is a file, not a folder");
        assertThat(repo.resolve("cls.fp16")).doesNotExist();
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
                    + "not a TensorRT engine; build an engine from it with trt4j build");
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
        assertThat(maxBatch.errLines().get(0)).isEqualTo("trt4j: --max-batch must be at least 1, got -4 (leave it "
                + "out for the engine's largest batch)");
        assertThat(repo).doesNotExist();
    }

    /** In Triton max_batch_size 0 means "no batching": a typed 0 is refused rather than read as the profile's. */
    @Test
    void aTypedZeroMaxBatchAndRepeatedListValuesAreUsageErrors() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path engine = engine("a.engine", 32);
        Path repo = dir.resolve("repo");

        CliRun zero = exportTriton(engine.toString(), "--out", repo.toString(), "--max-batch", "0");
        CliRun preferred = exportTriton(engine.toString(), "--out", repo.toString(), "--preferred-batch", "8,8");
        CliRun gpus = exportTriton(engine.toString(), "--out", repo.toString(), "--gpus", "0,1,0");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines()).containsExactly("trt4j: --max-batch must be at least 1, got 0 (leave it out for "
                + "the engine's largest batch)");
        assertThat(preferred.exitCode()).isEqualTo(2);
        assertThat(preferred.errLines()).containsExactly("trt4j: --preferred-batch gives 8 twice; give each batch "
                + "size once");
        assertThat(gpus.exitCode()).isEqualTo(2);
        assertThat(gpus.errLines()).containsExactly("trt4j: --gpus gives 0 twice; give each GPU id once");
        assertThat(repo).doesNotExist();
    }

    /** Another model's tensors would describe another engine to Triton. */
    @Test
    void aModelTheEngineWasNotBuiltFromIsRefused() throws Exception {
        Path cls = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path engine = engine("a.engine", 32);
        Path other = TestModels.matMul(dir.resolve("other.onnx"));
        Path repo = dir.resolve("repo");

        CliRun run = exportTriton(engine.toString(), "--out", repo.toString(), "--model", other.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + other + ": not the model a.engine was built from (its "
                + "sidecar records cls.onnx, SHA-256 " + Provenance.sha256(cls).substring(0, 12) + "…, this file has "
                + Provenance.sha256(other).substring(0, 12) + "…); pass that model with --model");
        assertThat(repo).doesNotExist();
    }

    @Test
    void aSidecarThatIsNotValidJsonOrFromANewerTrt4jIsOneLine() throws Exception {
        Path engine = engine("a.engine", 32);
        Path sidecar = EngineSidecarFile.pathFor(engine);
        Path repo = dir.resolve("repo");
        String written = Files.readString(sidecar);

        Files.writeString(sidecar, "{\"a\":");
        CliRun broken = exportTriton(engine.toString(), "--out", repo.toString());
        Files.writeString(sidecar, written.replace("\"format\" : 1", "\"format\" : 99"));
        CliRun newer = exportTriton(engine.toString(), "--out", repo.toString());

        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.errLines()).containsExactly("trt4j: " + sidecar + ": not valid JSON at line 1, column 6: "
                + "unexpected end of input (an object is not closed)");
        assertThat(newer.exitCode()).isEqualTo(1);
        assertThat(newer.errLines()).containsExactly("trt4j: " + sidecar + ": unreadable engine sidecar: format 99 is "
                + "newer than this trt4j reads (1); use the trt4j that built the engine, or a newer one");
        assertThat(repo).doesNotExist();
    }

    @Test
    void refusesWhatCannotBeAnEngineWithOneLineEach() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path empty = Files.createFile(dir.resolve("empty.engine"));
        Path folder = Files.createDirectory(dir.resolve("cc1"));
        Path text = Files.writeString(dir.resolve("notes.engine"), "garbage, not a plan\n");
        Path replaced = engine("replaced.engine", 32);
        Files.write(replaced, new byte[] {1, 0, 2, 0});
        // binary, but without the zero bytes of an engine's header (e.g. a compressed or encrypted file): not text
        byte[] noZeros = new byte[256];
        for (int i = 0; i < noZeros.length; i++) {
            noZeros[i] = (byte) (0x80 + (i * 37) % 128);
        }
        Path binary = Files.write(dir.resolve("packed.engine"), noZeros);
        Path repo = dir.resolve("repo");

        for (var c : Map.of(empty, "an empty file, not a TensorRT engine",
                binary, "not a TensorRT engine: it does not start with the binary header of a serialized engine",
                folder, "a folder, not an engine file; give the engine files in it",
                text, "not a TensorRT engine: it starts like text, not with the binary header of a serialized engine",
                replaced, "not the engine its sidecar replaced.engine.json describes (its SHA-256 differs); rebuild "
                        + "it with trt4j build, or delete the stale sidecar").entrySet()) {
            CliRun run = exportTriton(c.getKey().toString(), "--model", dir.resolve("cls.onnx").toString(), "--out",
                    repo.toString());
            assertThat(run.exitCode()).as(c.getKey().toString()).isEqualTo(1);
            assertThat(run.errLines()).containsExactly("trt4j: " + c.getKey() + ": " + c.getValue());
            assertThat(run.out()).isEmpty();
        }
        assertThat(repo).doesNotExist();
    }

    @Test
    void aSidecarWithoutItsRequiredFieldsIsNamedWithThem() throws Exception {
        Path engine = engine("a.engine", 32);
        Files.writeString(EngineSidecarFile.pathFor(engine), "{}");

        CliRun run = exportTriton(engine.toString(), "--out", dir.resolve("repo").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + EngineSidecarFile.pathFor(engine) + ": unreadable "
                + "engine sidecar: no \"format\", \"engineSha256\", \"tensorRtVersion\", \"gpuName\", "
                + "\"computeCapability\"");
    }

    @Test
    void refusesBatchSizesAndDelaysThatMeanNothing() throws Exception {
        Path engine = engine("a.engine", 32);
        Path repo = dir.resolve("repo");

        CliRun zero = exportTriton(engine.toString(), "--out", repo.toString(), "--preferred-batch", "4,0");
        CliRun negative = exportTriton(engine.toString(), "--out", repo.toString(), "--max-queue-delay-us", "-5");
        CliRun both = exportTriton(engine.toString(), "--out", repo.toString(), "--no-dynamic-batching",
                "--preferred-batch", "4");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines().get(0)).isEqualTo("trt4j: --preferred-batch: a batch size must be at least 1, "
                + "got 0");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.errLines().get(0)).isEqualTo("trt4j: --max-queue-delay-us must not be negative (0 = "
                + "no wait), got -5");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines().get(0)).isEqualTo("trt4j: --no-dynamic-batching leaves dynamic batching off, "
                + "so --preferred-batch cannot apply; give one or the other");
        assertThat(repo).doesNotExist();
    }

    @Test
    void batchingOptionsForAnEngineTritonCannotBatchAreRefused() throws Exception {
        TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path fixed = engine("fixed.engine", 4, 4); // the batch dimension does not vary from 1
        Path repo = dir.resolve("repo");

        CliRun run = exportTriton(fixed.toString(), "--out", repo.toString(), "--preferred-batch", "2",
                "--max-queue-delay-us", "50");
        CliRun plain = exportTriton(fixed.toString(), "--out", repo.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: " + fixed + ": Triton cannot batch this engine "
                + "(max_batch_size 0: its profile does not let every input's first dimension vary from 1 as a "
                + "batch), so --preferred-batch and --max-queue-delay-us cannot apply; leave them out for this "
                + "engine");
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo(repo.resolve("fixed") + ": max_batch_size 0, 1 instance(s) per GPU; needs "
                + "TensorRT 10.15.1 on Tesla T4 (compute capability 7.5)\n");
    }
}
