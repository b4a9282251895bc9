package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.onnx.TestGraph;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OrtModelRunnerTest {
    private static final OrtRunnerOptions ONE_THREAD = OrtRunnerOptions.defaults().withIntraOpThreads(1);

    @TempDir
    Path dir;

    @Test
    void runsTheModelAndMatchesADirectComputation() {
        float[] x = {1f, 2f, -1f, 0.5f, -3f, 0.25f, 4f, -2f};
        try (OrtModelRunner runner = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp.onnx", ONE_THREAD)) {
            assertThat(runner.inputs()).containsExactly(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 4},
                    java.util.Arrays.asList("N", null)));
            assertThat(runner.outputs()).extracting(TensorSpec::name).containsExactly("y");

            Map<String, HostTensor> out = runner.run(batch(x, 2, 4));

            HostTensor y = out.get("y");
            assertThat(y.shape()).containsExactly(2, 2);
            float[] expected = mlp(x, 2);
            for (int i = 0; i < expected.length; i++) {
                assertThat(y.floats()[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void opensModelFiles() {
        Path file = TestModels.write(TestModels.mlp(), dir, "mlp.onnx");
        try (OrtModelRunner runner = OrtModelRunner.open(file, ONE_THREAD)) {
            assertThat(runner.name()).isEqualTo(file.toString());
            assertThat(runner.run(batch(new float[4], 1, 4)).get("y").floats()).containsExactly(0f, 0f);
        }
        assertThatThrownBy(() -> OrtModelRunner.open(dir.resolve("none.onnx"), ONE_THREAD))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("none.onnx");
    }

    /**
     * A large model reaches ONNX Runtime through a temporary file (no byte array of it is held), which is gone once
     * the session is open; the runner computes what the in-memory one does.
     */
    @Test
    void aModelSpooledThroughATemporaryFileRunsAsInMemoryAndLeavesNoFile() throws Exception {
        ModelProto exposed = dev.trt4j.onnx.OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"))
                .exposing(List.of("h"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> spooled = () -> {
            try (var files = java.nio.file.Files.list(tmp)) {
                return files.filter(f -> f.getFileName().toString().startsWith(SpooledModel.PREFIX)).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        long before = spooled.get();
        Map<String, float[]> viaFile = new java.util.HashMap<>();
        Map<String, float[]> inMemory = new java.util.HashMap<>();
        try (OrtModelRunner file = OrtModelRunner.open(exposed, dir.resolve("mlp.onnx"), ONE_THREAD, 0);
             OrtModelRunner memory = OrtModelRunner.open(exposed.toByteArray(), "mlp", ONE_THREAD)) {
            assertThat(spooled.get()).isEqualTo(before);
            file.run(batch(new float[] {1, -2, 3, 0.5f}, 1, 4)).forEach((n, t) -> viaFile.put(n, t.floats()));
            memory.run(batch(new float[] {1, -2, 3, 0.5f}, 1, 4)).forEach((n, t) -> inMemory.put(n, t.floats()));
        }
        assertThat(viaFile.keySet()).containsExactlyInAnyOrder("y", "h");
        viaFile.forEach((n, v) -> assertThat(v).as(n).containsExactly(inMemory.get(n)));
    }

    @Test
    void streamsOutputsInTheOrderAskedFor() {
        ModelProto model = ModelProto.newBuilder(TestModels.mlp()).build();
        byte[] bytes = dev.trt4j.onnx.OnnxModel.fromProto(model, dir.resolve("mlp.onnx"))
                .withExtraOutputs(List.of("r", "h"));
        try (OrtModelRunner runner = OrtModelRunner.open(bytes, "mlp", ONE_THREAD)) {
            List<String> seen = new ArrayList<>();
            runner.run(batch(new float[] {1, 1, 1, 1}, 1, 4), List.of("y", "h", "r"), (name, t) -> seen.add(name));
            assertThat(seen).containsExactly("y", "h", "r");
        }
    }

    @Test
    void readsOutputsInPlaceFromBuffersReusedWhileShapesStay() {
        byte[] bytes = dev.trt4j.onnx.OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"))
                .withExtraOutputs(List.of("h"));
        try (OrtModelRunner runner = OrtModelRunner.open(bytes, "mlp", ONE_THREAD)) {
            float[][] inputs = {{1f, 2f, -1f, 0.5f, -3f, 0.25f, 4f, -2f}, {0.5f, -1f, 2f, 3f, 1f, 1f, -2f, 0f},
                {2f, 2f, 2f, 2f}};
            int[] rows = {2, 2, 1};
            for (int k = 0; k < inputs.length; k++) {
                Batch batch = batch(inputs[k], rows[k], 4);
                Map<String, HostTensor> copied = runner.run(batch, List.of("y", "h"));
                Map<String, float[]> inPlace = new java.util.LinkedHashMap<>();
                runner.runInPlace(batch, List.of("y", "h"), (name, shape, values) -> {
                    assertThat(values.isReadOnly()).isTrue();
                    assertThat(shape).containsExactly(copied.get(name).shape());
                    float[] v = new float[values.remaining()];
                    values.get(v);
                    inPlace.put(name, v);
                });
                assertThat(inPlace.keySet()).containsExactly("y", "h");
                assertThat(inPlace.get("y")).containsExactly(copied.get("y").floats());
                assertThat(inPlace.get("h")).containsExactly(copied.get("h").floats());
            }
            // 2×4: shapes guessed from two samples, then in place again; 1×4: a single sample learns them by copying
            assertThat(runner.pinnedRuns()).isEqualTo(2);
        }
    }

    /** What the statistics pass relies on to bin one batch while the next runs. */
    @Test
    void aBufferSetKeepsItsValuesWhileTheOtherSetRuns() {
        byte[] bytes = dev.trt4j.onnx.OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"))
                .withExtraOutputs(List.of("h"));
        try (OrtModelRunner runner = OrtModelRunner.open(bytes, "mlp", ONE_THREAD)) {
            Batch first = batch(new float[] {1f, 2f, -1f, 0.5f, -3f, 0.25f, 4f, -2f}, 2, 4);
            Batch second = batch(new float[] {0.5f, -1f, 2f, 3f, 1f, 1f, -2f, 0f}, 2, 4);
            float[] firstH = runner.run(first, List.of("h")).get("h").floats();
            float[] secondH = runner.run(second, List.of("h")).get("h").floats();
            java.nio.FloatBuffer[] held = new java.nio.FloatBuffer[2];
            for (int round = 0; round < 3; round++) {
                runner.runInPlace(first, List.of("h"), 0, (name, shape, values) -> held[0] = values);
                runner.runInPlace(second, List.of("h"), 1, (name, shape, values) -> held[1] = values);
                assertThat(floats(held[0])).as("set 0 after set 1 ran, round %d", round).containsExactly(firstH);
                assertThat(floats(held[1])).containsExactly(secondH);
            }
            runner.runInPlace(second, List.of("h"), 0, (name, shape, values) -> { });
            assertThat(floats(held[0])).as("set 0 is reused by the next run into it").containsExactly(secondH);
            assertThat(runner.pinnedRuns()).as("every run wrote in place, each set on shapes guessed from two samples")
                    .isEqualTo(7);
            assertThatThrownBy(() -> runner.runInPlace(first, List.of("h"), 2, (name, shape, values) -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer set must be 0 to 1");
        }
    }

    private static float[] floats(java.nio.FloatBuffer values) {
        float[] v = new float[values.remaining()];
        values.duplicate().get(v);
        return v;
    }

    @Test
    void anOutputThatDoesNotGrowWithTheBatchKeepsItsShapeInTheGuess() {
        // s reduces over the batch: [1, 4] at any batch size. Two samples give it an odd first dimension, so the guess
        // keeps it (one sample could not tell it from y, whose first dimension follows the batch).
        ModelProto model = reductionOverTheBatch().output("s", TestGraph.FLOAT, 1, 4).build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "reduce.onnx", ONE_THREAD)) {
            assertInPlaceEqualsCopied(runner, "y", "s");
            // both batches ran in place: the first on the guessed shapes, the second on the same buffers
            assertThat(runner.pinnedRuns()).isEqualTo(2);
        }
    }

    @Test
    void aGuessedShapeThatDoesNotFollowTheBatchFallsBackToLearningIt() {
        // t stacks the batch's max twice: [2, 4] at any batch size, so the guess from two samples ([3, 4]) is wrong
        ModelProto model = reductionOverTheBatch()
                .node("Concat", List.of("s", "s"), List.of("t"), TestGraph.intAttribute("axis", 0))
                .output("t", TestGraph.FLOAT, 2, 4)
                .build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "stack.onnx", ONE_THREAD)) {
            assertInPlaceEqualsCopied(runner, "y", "t");
            // the refused guess is not a pinned run; the shapes learned then serve the second batch in place
            assertThat(runner.pinnedRuns()).isEqualTo(1);
        }
    }

    /** x [batch, 4] → y = Relu(x) (an output) and s = ReduceMax(x) over the batch, [1, 4] (not yet an output). */
    private static TestGraph reductionOverTheBatch() {
        return new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 4)
                .node("ReduceMax", List.of("x"), List.of("s"), TestGraph.ints("axes", 0),
                        TestGraph.intAttribute("keepdims", 1))
                .node("Relu", List.of("x"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 4);
    }

    /** Two batches of three rows, read in place and by copying: the same values for {@code y} and {@code other}. */
    private static void assertInPlaceEqualsCopied(OrtModelRunner runner, String y, String other) {
        float[][] inputs = {{1f, -2f, 3f, 0f, 5f, 1f, -1f, 2f, -3f, 4f, 0.5f, 7f},
            {0f, 0f, 1f, 1f, 2f, -2f, 6f, 6f, 1f, 9f, -9f, 3f}};
        for (float[] x : inputs) {
            Map<String, float[]> inPlace = new java.util.LinkedHashMap<>();
            runner.runInPlace(batch(x, 3, 4), List.of(y, other), (name, shape, values) -> {
                float[] v = new float[values.remaining()];
                values.get(v);
                inPlace.put(name, v);
            });
            Map<String, HostTensor> copied = runner.run(batch(x, 3, 4), List.of(y, other));
            assertThat(inPlace.get(other)).isNotEmpty().containsExactly(copied.get(other).floats());
            assertThat(inPlace.get(y)).containsExactly(copied.get(y).floats());
        }
    }

    @Test
    void aModelThatTakesOnlyWholeBatchesLearnsItsOutputShapesByCopying() {
        // x is [3, 4]: the two-sample probe cannot run, so the first batch copies and the second runs in place
        ModelProto model = new TestGraph()
                .input("x", TestGraph.FLOAT, 3, 4)
                .node("Relu", List.of("x"), List.of("y"))
                .output("y", TestGraph.FLOAT, 3, 4)
                .build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "static.onnx", ONE_THREAD)) {
            float[] x = {1f, -2f, 3f, -4f, 5f, -6f, 7f, -8f, 9f, -10f, 11f, -12f};
            for (int run = 0; run < 2; run++) {
                float[] y = new float[12];
                runner.runInPlace(batch(x, 3, 4), List.of("y"), (name, shape, values) -> values.get(y));
                assertThat(y).containsExactly(1f, 0f, 3f, 0f, 5f, 0f, 7f, 0f, 9f, 0f, 11f, 0f);
            }
            assertThat(runner.pinnedRuns()).isEqualTo(1);
        }
    }

    @Test
    void rejectsBatchesThatDoNotFit() {
        try (OrtModelRunner runner = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp.onnx", ONE_THREAD)) {
            assertThatThrownBy(() -> runner.run(batch(new float[10], 2, 5))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("mlp.onnx: input 'x' expects shape [N,4] but the data has [2,5]");
            assertThatThrownBy(() -> runner.run(new Batch(1, Map.of("z", HostTensor.ofFloats(new long[] {1, 4},
                    new float[4]))))).isInstanceOf(InvalidInputException.class).hasMessageContaining("'z'")
                    .hasMessageContaining("[x]");
            assertThatThrownBy(() -> runner.run(new Batch(1, Map.of()))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("input 'x' [N,4] is missing");
            assertThatThrownBy(() -> runner.run(new Batch(1, Map.of("x", HostTensor.ofLongs(new long[] {1, 4},
                    new long[4]))))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("mlp.onnx: input 'x' is FLOAT32 but the data is INT64");
            // an output is the caller's choice too, but no input: not a bad request's data
            assertThatThrownBy(() -> runner.run(batch(new float[4], 1, 4), List.of("h")))
                    .isInstanceOf(Trt4jException.class).isNotInstanceOf(InvalidInputException.class)
                    .hasMessage("mlp.onnx: no output named 'h'; outputs are [y]");
        }
    }

    @Test
    void int64DataTooLargeForAnInt32InputIsRefusedAsTheCallers() {
        ModelProto model = new TestGraph()
                .input("ids", TensorProto.DataType.INT32_VALUE, 1, 3)
                .node("Identity", List.of("ids"), List.of("out"))
                .output("out", TensorProto.DataType.INT32_VALUE, 1, 3)
                .build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "ids.onnx", ONE_THREAD)) {
            assertThat(runner.run(new Batch(1, Map.of("ids", HostTensor.ofLongs(new long[] {1, 3},
                    new long[] {1, -2, 3})))).get("out").ints()).containsExactly(1, -2, 3);
            assertThatThrownBy(() -> runner.run(new Batch(1, Map.of("ids", HostTensor.ofLongs(new long[] {1, 3},
                    new long[] {1, 1L << 40, 3}))))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("ids.onnx: input 'ids': value 1099511627776 at element 1 does not fit INT32 "
                            + "(-2147483648 to 2147483647)");
        }
    }

    /**
     * A batch whose values a Java array holds but whose bytes one ONNX Runtime tensor does not: ONNX Runtime threw an
     * IllegalStateException ("Cannot allocate a direct buffer"), which calibrate and evaluate printed as an unexpected
     * error. The input is int64 fed from int32 data, so the batch takes 1 GiB here rather than the 2 GiB of floats.
     */
    @Test
    void refusesAnInputTooLargeForOneOnnxRuntimeTensorNamingItsShape() {
        ModelProto model = new TestGraph()
                .input("ids", TestGraph.INT64, -1)
                .node("Identity", List.of("ids"), List.of("ids_out"))
                .output("ids_out", TestGraph.INT64, -1)
                .build(13);
        int n = 268_435_448; // 8 bytes each: one byte past Integer.MAX_VALUE - 8 × 8
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "ids.onnx", ONE_THREAD)) {
            assertThatThrownBy(() -> runner.run(new Batch(n, Map.of("ids", HostTensor.ofInts(new long[] {n},
                    new int[n]))))).isInstanceOf(dev.trt4j.InvalidOptionException.class)
                    .hasMessage("ids.onnx: input 'ids' at 268435448 would take 2,147,483,584 bytes (INT64), more than "
                            + "one ONNX Runtime tensor takes (2,147,483,583); give a smaller --batch or --shapes");
        }
    }

    /**
     * An output larger than one ONNX Runtime tensor from a small input (Expand, as upsampling does): reading it back
     * failed with "capacity < 0" in evaluate and as DirectTensor's "exceeds 2 GiB" (exit 1) in calibrate. The
     * declared shape [N, K] at N = 2 is refused before ONNX Runtime makes the 2 GiB output.
     */
    @Test
    void refusesAnOutputTooLargeForOneOnnxRuntimeTensorBeforeRunning() {
        long k = 268_435_472;
        ModelProto model = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 1)
                .constantInt64("shape", 1, k)
                .node("Expand", List.of("x", "shape"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, k)
                .build(13);
        String expected = "bigout.onnx: output 'y' at 2x268435472 would take 2,147,483,776 bytes (FLOAT32), more than "
                + "one ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes";
        Batch batch = new Batch(2, Map.of("x", HostTensor.ofFloats(new long[] {2, 1}, new float[] {1, 2})));
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "bigout.onnx", ONE_THREAD)) {
            assertThatThrownBy(() -> runner.run(batch)).isInstanceOf(dev.trt4j.InvalidOptionException.class)
                    .hasMessage(expected);
            assertThatThrownBy(() -> runner.runInPlace(batch, List.of("y"), (name, shape, values) -> { }))
                    .isInstanceOf(dev.trt4j.InvalidOptionException.class).hasMessage(expected);
        }
    }

    @Test
    void namesTheShapesFedWhenARunFailsInsideTheGraph() {
        // the input fits its declaration [N]; only the Reshape to [2,2] inside cannot take 3 values
        ModelProto model = new TestGraph()
                .input("x", TensorProto.DataType.FLOAT_VALUE, -1)
                .constantInt64("square", 2, 2)
                .node("Reshape", List.of("x", "square"), List.of("y"))
                .output("y", TensorProto.DataType.FLOAT_VALUE, 2, 2)
                .build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "reshape.onnx", ONE_THREAD)) {
            assertThat(runner.run(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {4}, new float[4]))))
                    .get("y").shape()).containsExactly(2, 2);
            assertThatThrownBy(() -> runner.run(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {3},
                    new float[3]))))).isInstanceOf(Trt4jException.class)
                    .hasMessageStartingWith("reshape.onnx: ONNX Runtime failed on x [3]: ")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void convertsFloat16AndIntegerTensors() {
        ModelProto model = new TestGraph()
                .input("x", TensorProto.DataType.FLOAT16_VALUE, -1, 3)
                .input("ids", TestGraph.INT64, -1)
                .node("Relu", List.of("x"), List.of("y"))
                .node("Identity", List.of("ids"), List.of("ids_out"))
                .output("y", TensorProto.DataType.FLOAT16_VALUE, -1, 3)
                .output("ids_out", TestGraph.INT64, -1)
                .build(13);
        try (OrtModelRunner runner = OrtModelRunner.open(model.toByteArray(), "f16.onnx", ONE_THREAD)) {
            assertThat(runner.inputs()).extracting(TensorSpec::type)
                    .containsExactly(ElementType.FLOAT16, ElementType.INT64);
            Map<String, HostTensor> out = runner.run(new Batch(1, Map.of(
                    "x", HostTensor.ofFloats(new long[] {1, 3}, new float[] {-1.5f, 2.25f, 0.5f}),
                    "ids", HostTensor.ofInts(new long[] {1}, new int[] {42}))));
            assertThat(out.get("y").type()).isEqualTo(ElementType.FLOAT32);
            assertThat(out.get("y").floats()).containsExactly(0f, 2.25f, 0.5f);
            assertThat(out.get("ids_out").longs()).containsExactly(42L);
        }
    }

    @Test
    void closesIdempotentlyAndRefusesUseAfterClose() {
        OrtModelRunner runner = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp.onnx", ONE_THREAD);
        runner.close();
        runner.close();
        assertThatThrownBy(() -> runner.run(batch(new float[4], 1, 4))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void reportsModelsOnnxRuntimeCannotLoad() {
        assertThatThrownBy(() -> OrtModelRunner.open(new byte[] {1, 2, 3}, "junk.onnx", ONE_THREAD))
                .isInstanceOf(Trt4jException.class).hasMessageStartingWith("junk.onnx: ONNX Runtime cannot load")
                .hasMessageNotContaining("\n");
    }

    static Batch batch(float[] x, int n, int width) {
        return new Batch(n, Map.of("x", HostTensor.ofFloats(new long[] {n, width}, x)));
    }

    /** y = relu(x·w1)·w2 computed directly. */
    static float[] mlp(float[] x, int n) {
        float[] y = new float[n * 2];
        for (int s = 0; s < n; s++) {
            float[] r = new float[3];
            for (int j = 0; j < 3; j++) {
                float acc = 0;
                for (int k = 0; k < 4; k++) {
                    acc += x[s * 4 + k] * TestModels.MLP_W1[k * 3 + j];
                }
                r[j] = Math.max(acc, 0f);
            }
            for (int j = 0; j < 2; j++) {
                float acc = 0;
                for (int k = 0; k < 3; k++) {
                    acc += r[k] * TestModels.MLP_W2[k * 2 + j];
                }
                y[s * 2 + j] = acc;
            }
        }
        return y;
    }

    /** x is also a graph output; runInPlace must return this batch's x, not the one that learnt the shape. */
    @Test
    void runInPlaceReturnsAGraphInputThatIsAlsoAnOutputFromEachRun() {
        Path file = TestModels.write(new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 3)
                .node("Relu", List.of("x"), List.of("r"))
                .output("x", TestGraph.FLOAT, -1, 3)
                .output("r", TestGraph.FLOAT, -1, 3)
                .build(13), dir, "passthrough.onnx");
        try (OrtModelRunner runner = OrtModelRunner.open(file, OrtRunnerOptions.defaults().withIntraOpThreads(1))) {
            for (float[] x : new float[][] {{1, -2, 3}, {-4, 5, 6}, {7, 8, -9, 1, 2, 3}, {0, 1, 2, 3, 4, 5}}) {
                Batch batch = new Batch(x.length / 3, Map.of("x", HostTensor.ofFloats(new long[] {x.length / 3, 3}, x)));
                List<float[]> seen = new ArrayList<>();
                runner.runInPlace(batch, List.of("x", "r"), (name, shape, values) -> {
                    float[] copy = new float[values.remaining()];
                    values.get(copy);
                    seen.add(copy);
                });
                assertThat(seen.get(0)).containsExactly(x);
            }
        }
    }

    /** A service that evicts a model mid-request: ONNX Runtime crashed the JVM on a session closed during a run. */
    @Test
    void closeWaitsForARunInProgressAndLaterRunsAreRefused() throws Exception {
        OrtModelRunner runner = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp.onnx", ONE_THREAD);
        java.util.concurrent.CountDownLatch inRun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<float[]> read = new java.util.concurrent.atomic.AtomicReference<>();
        Thread request = new Thread(() -> runner.run(batch(new float[] {1, 2, 3, 4}, 1, 4), List.of("y"),
                (name, tensor) -> {
                    inRun.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    read.set(tensor.floats());
                }));
        request.start();
        inRun.await();
        Thread closer = new Thread(runner::close);
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close waits for the run").isTrue();

        release.countDown();
        request.join(10_000);
        closer.join(10_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(read.get()).containsExactly(mlp(new float[] {1, 2, 3, 4}, 1));
        assertThatThrownBy(() -> runner.run(batch(new float[4], 1, 4))).isInstanceOf(IllegalStateException.class)
                .hasMessage("OrtModelRunner for mlp.onnx is closed");
    }

    @Test
    void closingFromWithinItsOwnRunIsRefusedRatherThanWaitingForever() {
        try (OrtModelRunner runner = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp.onnx", ONE_THREAD)) {
            assertThatThrownBy(() -> runner.run(batch(new float[4], 1, 4), List.of("y"), (name, tensor) -> runner.close()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("OrtModelRunner for mlp.onnx cannot be closed from within its own run");
            assertThat(runner.run(batch(new float[4], 1, 4)).get("y").floats()).containsExactly(0f, 0f);
        }
    }
}
