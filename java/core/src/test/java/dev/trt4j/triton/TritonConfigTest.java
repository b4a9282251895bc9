package dev.trt4j.triton;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.table.Provenance;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TritonConfigTest {
    private static final Path ENGINE = Path.of("engines/cls.fp16.engine");
    private static final List<TensorSpec> IN = List.of(
            new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null));
    private static final List<TensorSpec> OUT = List.of(
            new TensorSpec("softmax_0.tmp_0", ElementType.FLOAT32, new long[] {-1, 2}, null));

    @TempDir
    Path dir;

    private static EngineSidecar sidecar(String model, Map<String, ShapeRange> profile) {
        return new EngineSidecar(1, "e", "10.15.1", "Tesla T4", "7.5", "fp16", null, false, null, null, model, "m",
                List.of(profile));
    }

    private static final EngineSidecar DYNAMIC = sidecar("cls.onnx", Map.of("x", new ShapeRange(
            new long[] {1, 3, 48, 96}, new long[] {8, 3, 48, 192}, new long[] {32, 3, 48, 320})));

    @Test
    void batchingEngineGetsDynamicBatchingUpToItsProfileMaximum() {
        TritonModelConfig config = TritonConfigFromEngine.of(ENGINE, "cls.fp16", IN, OUT, DYNAMIC,
                new TritonConfigFromEngine.Options(0, List.of(8, 16), 250, 2, List.of(0, 1)));
        assertThat(config.toPbtxt()).isEqualTo("""
                # model.plan needs TensorRT 10.15.1 on Tesla T4 (compute capability 7.5): Triton loads it only with that TensorRT version (its
                # tritonserver image's) and on that GPU model.
                name: "cls.fp16"
                platform: "tensorrt_plan"
                max_batch_size: 32
                input [
                  {
                    name: "x"
                    data_type: TYPE_FP32
                    dims: [ 3, 48, -1 ]
                  }
                ]
                output [
                  {
                    name: "softmax_0.tmp_0"
                    data_type: TYPE_FP32
                    dims: [ 2 ]
                  }
                ]
                dynamic_batching {
                  preferred_batch_size: [ 8, 16 ]
                  max_queue_delay_microseconds: 250
                }
                instance_group [
                  {
                    count: 2
                    kind: KIND_GPU
                    gpus: [ 0, 1 ]
                  }
                ]
                """);
    }

    @Test
    void fixedBatchEngineIsServedWithoutTritonBatching() {
        EngineSidecar fixed = sidecar("cls.onnx", Map.of("x", ShapeRange.fixed(new long[] {1, 3, 48, 192})));
        TritonModelConfig config = TritonConfigFromEngine.of(ENGINE, "cls", IN, OUT, fixed,
                TritonConfigFromEngine.Options.defaults());
        assertThat(config.maxBatchSize()).isZero();
        assertThat(config.inputs().get(0).dims()).containsExactly(1, 3, 48, 192);
        assertThat(config.outputs().get(0).dims()).containsExactly(-1, 2);
        assertThat(config.toPbtxt()).contains("max_batch_size: 0\n").doesNotContain("dynamic_batching")
                .contains("count: 1\n    kind: KIND_GPU\n  }");
    }

    /** Triton splits outputs along axis 0; a time-major output [T, N, 8] has its time there, not the batch. */
    @Test
    void anOutputWhoseFirstDimensionIsNotTheBatchIsServedWithoutTritonBatching() {
        List<TensorSpec> in = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, -1, 8},
                java.util.Arrays.asList("N", "T", null)));
        EngineSidecar profile = sidecar("tmajor.onnx", Map.of("x", new ShapeRange(new long[] {1, 1, 8},
                new long[] {4, 20, 8}, new long[] {8, 50, 8})));
        List<TensorSpec> timeMajor = List.of(new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, -1, 8},
                java.util.Arrays.asList("T", "N", null)));
        TritonModelConfig config = TritonConfigFromEngine.of(ENGINE, "tmajor", in, timeMajor, profile,
                TritonConfigFromEngine.Options.defaults());
        assertThat(config.maxBatchSize()).isZero();
        assertThat(config.outputs().get(0).dims()).containsExactly(-1, -1, 8);

        List<TensorSpec> batchMajor = List.of(new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, -1, 8},
                java.util.Arrays.asList("N", "T", null)));
        assertThat(TritonConfigFromEngine.of(ENGINE, "bmajor", in, batchMajor, profile,
                TritonConfigFromEngine.Options.defaults()).maxBatchSize()).isEqualTo(8);
        // paddle2onnx names every dimension apart: another name is no evidence of another axis
        List<TensorSpec> paddleIn = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, -1, 8},
                java.util.Arrays.asList("p2o.DynamicDimension.0", "p2o.DynamicDimension.1", null)));
        List<TensorSpec> paddleOut = List.of(new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, -1, 8},
                java.util.Arrays.asList("p2o.DynamicDimension.2", "p2o.DynamicDimension.3", null)));
        assertThat(TritonConfigFromEngine.of(ENGINE, "rec", paddleIn, paddleOut, profile,
                TritonConfigFromEngine.Options.defaults()).maxBatchSize()).isEqualTo(8);
    }

    @Test
    void refusesAMaxBatchAboveTheEngines() {
        assertThatThrownBy(() -> TritonConfigFromEngine.of(ENGINE, "cls", IN, OUT, DYNAMIC,
                new TritonConfigFromEngine.Options(64, List.of(), 100, 1, List.of())))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("engines/cls.fp16.engine takes at most batch 32 but --max-batch is 64");
        assertThatThrownBy(() -> new TritonModelConfig("a/b", 0, IN.stream().map(s -> new TritonTensor(s.name(),
                s.type(), s.dims())).toList(), List.of(), List.of(), 0, 1, List.of(), Optional.empty()))
                .hasMessageContaining("a Triton model name");
        assertThatThrownBy(() -> new TritonModelConfig("cls", 0, List.of(), List.of(), List.of(), 0, 1, List.of(-1),
                Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a GPU id must not be negative, got -1");
    }

    @Test
    void writesTheRepositoryLayoutWithTensorsFromTheModelBesideTheEngine() throws Exception {
        Path engines = Files.createDirectories(dir.resolve("engines"));
        TestModels.write(TestModels.mlp(), engines, "mlp.onnx");
        Path engine = engines.resolve("mlp.int8.engine");
        Files.write(engine, new byte[] {1, 2, 3, 4, 5});
        EngineSidecar sidecar = new EngineSidecar(1, "e", "10.15.1", "Tesla T4", "7.5", "int8", "explicit", true,
                null, null, "mlp.onnx", Provenance.sha256(engines.resolve("mlp.onnx")), List.of(Map.of("x",
                new ShapeRange(new long[] {1, 4}, new long[] {4, 4}, new long[] {16, 4}))));
        EngineSidecarFile.write(engine, sidecar);

        EngineTensors tensors = EngineTensors.find(engine, EngineSidecarFile.read(engine).orElseThrow(), null);
        assertThat(tensors.inputs()).extracting(TensorSpec::name).containsExactly("x");
        assertThat(tensors.outputs()).extracting(TensorSpec::name).containsExactly("y");
        String name = TritonRepository.modelName(engine);
        assertThat(name).isEqualTo("mlp.int8");
        TritonModelConfig config = TritonConfigFromEngine.of(engine, name, tensors.inputs(), tensors.outputs(),
                sidecar, TritonConfigFromEngine.Options.defaults());
        Path repo = dir.resolve("repo");
        Path folder = TritonRepository.add(repo, engine, config);

        assertThat(folder).isEqualTo(repo.resolve("mlp.int8"));
        assertThat(Files.readAllBytes(folder.resolve("1/model.plan"))).containsExactly(1, 2, 3, 4, 5);
        assertThat(Files.readString(folder.resolve("config.pbtxt"))).contains("max_batch_size: 16\n")
                .contains("name: \"y\"\n    data_type: TYPE_FP32\n    dims: [ 2 ]");
        try (var files = Files.walk(repo)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString()))
                    .containsExactlyInAnyOrder("mlp.int8/config.pbtxt", "mlp.int8/1/model.plan");
        }
    }

    @Test
    void modelsStagedTogetherLandTogetherOrNotAtAll() throws Exception {
        Path engine = Files.write(dir.resolve("a.engine"), new byte[] {7, 7});
        TritonModelConfig a = config("a");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("a/1"));
        Files.write(repo.resolve("a/1/model.plan"), new byte[] {1});

        try (dev.trt4j.io.AtomicFileSet files = new dev.trt4j.io.AtomicFileSet()) {
            TritonRepository.stage(files, repo, engine, a);
            // the second engine vanished after the checks: its copy fails before anything is committed
            assertThatThrownBy(() -> TritonRepository.stage(files, repo, dir.resolve("gone.engine"), config("b")))
                    .isInstanceOf(Trt4jException.class).hasMessageEndingWith("gone.engine: cannot read the engine: no such file");
        }
        assertThat(Files.readAllBytes(repo.resolve("a/1/model.plan"))).containsExactly(1);
        try (var entries = Files.walk(repo)) {
            assertThat(entries.map(p -> repo.relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "a", "a/1", "a/1/model.plan");
        }

        try (dev.trt4j.io.AtomicFileSet files = new dev.trt4j.io.AtomicFileSet()) {
            TritonRepository.stage(files, repo, engine, a);
            TritonRepository.stage(files, repo, engine, config("b"));
            files.commit();
        }
        assertThat(Files.readAllBytes(repo.resolve("a/1/model.plan"))).containsExactly(7, 7);
        assertThat(Files.readAllBytes(repo.resolve("b/1/model.plan"))).containsExactly(7, 7);
        assertThat(repo.resolve("b/config.pbtxt")).content().contains("name: \"b\"");
    }

    private static TritonModelConfig config(String name) {
        TensorSpec x = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 4}, null);
        return TritonConfigFromEngine.of(Path.of(name + ".engine"), name, List.of(x), List.of(x), null,
                TritonConfigFromEngine.Options.defaults());
    }

    @Test
    void saysHowToNameTheModelWhenItIsNotBesideTheEngine() {
        assertThatThrownBy(() -> EngineTensors.find(dir.resolve("lost.engine"), DYNAMIC, null))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("lost.engine: cannot tell its inputs and outputs without a GPU: its model "
                        + "cls.onnx is not next to it; pass the ONNX model with --model");
    }

    /** A profile of other inputs, ranks or fixed sizes is another model's engine: Triton would be told wrong shapes. */
    @Test
    void aProfileThatDoesNotDescribeTheModelsInputsIsRefused() {
        ShapeRange fourD = new ShapeRange(new long[] {1, 3, 48, 96}, new long[] {8, 3, 48, 192},
                new long[] {32, 3, 48, 320});
        Map<EngineSidecar, String> cases = Map.of(
                sidecar("cls.onnx", Map.of("y", fourD)), "its sidecar's profile has input 'y', which the model does "
                        + "not have (its inputs: x); the model is not the one it was built from",
                sidecar("cls.onnx", Map.of("x", new ShapeRange(new long[] {1, 5, 48, 96}, new long[] {8, 5, 48, 192},
                        new long[] {32, 5, 48, 320}))), "its sidecar's profile lets dimension 1 of input 'x' be 5..5, "
                        + "but the model fixes it at 3; the model is not the one it was built from",
                sidecar("cls.onnx", Map.of("x", ShapeRange.fixed(new long[] {1, 3, 48}))), "its sidecar's profile "
                        + "gives input 'x' 3 dimensions, the model 4; the model is not the one it was built from");
        for (var c : cases.entrySet()) {
            assertThatThrownBy(() -> TritonConfigFromEngine.of(ENGINE, "cls", IN, OUT, c.getKey(),
                    TritonConfigFromEngine.Options.defaults())).isInstanceOf(Trt4jException.class)
                    .hasMessage(ENGINE + ": " + c.getValue());
        }
        List<TensorSpec> two = List.of(IN.get(0), new TensorSpec("mask", ElementType.FLOAT32, new long[] {-1}, null));
        assertThatThrownBy(() -> TritonConfigFromEngine.of(ENGINE, "cls", two, OUT, DYNAMIC,
                TritonConfigFromEngine.Options.defaults())).hasMessage(ENGINE + ": its sidecar's profile has no "
                + "shapes for the model's input 'mask'; the model is not the one it was built from");
    }

    /**
     * Triton refuses a plan of another TensorRT version or GPU model, so the config opens with the sidecar's; a GPU
     * name holding a line break cannot end the comment early and put text into the config.
     */
    @Test
    void theConfigOpensWithTheTensorRtVersionAndGpuTheEngineNeeds() {
        EngineSidecar odd = new EngineSidecar(1, "e", "10.15.1", "GPU\nmax_batch_size: 7", "9.0", "fp16", null,
                false, null, null, "cls.onnx", "m", DYNAMIC.profiles());
        String pbtxt = TritonConfigFromEngine.of(ENGINE, "cls", IN, OUT, odd, TritonConfigFromEngine.Options.defaults())
                .toPbtxt();
        assertThat(pbtxt).startsWith("# model.plan needs TensorRT 10.15.1 on GPU max_batch_size: 7 (compute "
                + "capability 9.0): Triton loads it only with that TensorRT version (its\n# tritonserver image's) "
                + "and on that GPU model.\nname: \"cls\"\n");
        assertThat(pbtxt.lines().filter(l -> l.startsWith("max_batch_size"))).containsExactly("max_batch_size: 32");
        // no sidecar, nothing to say
        assertThat(TritonConfigFromEngine.of(ENGINE, "cls", IN, OUT, null, TritonConfigFromEngine.Options.defaults())
                .toPbtxt()).startsWith("name: \"cls\"\n").doesNotContain("#");
    }

    @Test
    void aBatchedTensorOfTheBatchDimensionAloneGetsTritonsReshapeForm() {
        // per-sample scores [N]: without the batch dimension nothing is left, and Triton refuses empty dims
        List<TensorSpec> scores = List.of(new TensorSpec("score", ElementType.FLOAT32, new long[] {-1}, null));
        String pbtxt = TritonConfigFromEngine.of(ENGINE, "cls", IN, scores, DYNAMIC,
                TritonConfigFromEngine.Options.defaults()).toPbtxt();

        assertThat(pbtxt).contains("max_batch_size: 32\n").contains("""
                  {
                    name: "score"
                    data_type: TYPE_FP32
                    dims: [ 1 ]
                    reshape: { shape: [ ] }
                  }
                """).doesNotContain("dims: [  ]");
    }

    @Test
    void aTensorWithoutDimensionsIsRefusedInsteadOfWrittenAsEmptyDims() {
        List<TensorSpec> scalar = List.of(new TensorSpec("y", ElementType.FLOAT32, new long[0], null));
        assertThatThrownBy(() -> TritonConfigFromEngine.of(ENGINE, "cls", IN, scalar, DYNAMIC,
                TritonConfigFromEngine.Options.defaults())).isInstanceOf(Trt4jException.class)
                .hasMessage(ENGINE + ": output 'y' has no dimensions (a scalar, or a shape the model does not "
                        + "declare); Triton serves tensors of rank 1 or more");
    }

    @Test
    void namesAreQuotedAsProtobufTextSoALineBreakCannotEndTheString() {
        assertThat(TritonModelConfig.quote("in\"q\\b\nx\u0001")).isEqualTo("\"in\\\"q\\\\b\\nx\\001\"");
    }

    @Test
    void anotherVersionInTheModelFolderIsRefusedSinceTritonWouldServeIt() throws Exception {
        Path repo = dir.resolve("versions");
        for (String v : List.of("1", "10", "9", "0", "01")) {
            Files.createDirectories(repo.resolve("cls").resolve(v));
        }
        Files.createDirectories(repo.resolve("other/3"));
        Files.createDirectories(repo.resolve("low/0"));

        assertThatThrownBy(() -> TritonRepository.requireWritable(repo, "cls")).isInstanceOf(Trt4jException.class)
                .hasMessage(repo.resolve("cls") + ": holds version 9, 10, which Triton would serve instead of the "
                        + "exported version 1; remove it or export into another repository");
        Path throughMissing = dir.resolve("missing").resolve("..").resolve("versions");
        assertThatThrownBy(() -> TritonRepository.requireWritable(throughMissing, "cls"))
                .as("named through a folder that does not exist, the same repository")
                .hasMessage(throughMissing.resolve("cls") + ": holds version 9, 10, which Triton would serve instead "
                        + "of the exported version 1; remove it or export into another repository");
        TritonRepository.requireWritable(repo, "fresh");
        // Triton serves the highest version: a version 0 does not displace the exported 1
        TritonRepository.requireWritable(repo, "low");
    }
}
