package dev.trt4j.runtime.ort;

import dev.trt4j.onnx.TestGraph;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.LoadedModel;
import dev.trt4j.runtime.Outputs;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reused buffers on a tiny MLP (y = relu(x·w1)·w2): pinned outputs at a repeated shape, copies after a change. */
class OrtExecutionContextTest {
    @TempDir
    Path dir;

    private static float[] mlp(float[] x) {
        float[] h = new float[3];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 4; k++) {
                h[j] += x[k] * TestModels.MLP_W1[k * 3 + j];
            }
            h[j] = Math.max(h[j], 0);
        }
        float[] y = new float[2];
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 3; k++) {
                y[j] += h[k] * TestModels.MLP_W2[k * 2 + j];
            }
        }
        return y;
    }

    @Test
    void repeatedShapesWriteOutputsInPlace() {
        Path file = TestModels.write(TestModels.mlp(), dir, "mlp.onnx");
        try (LoadedModel model = new OrtInferenceBackend().load(file, InferenceOptions.defaults().withIntraOpThreads(1));
             OrtExecutionContext context = (OrtExecutionContext) model.newContext()) {
            float[][] queries = {{1, 2, 3, 4}, {-1, 0.5f, 2, -3}, {0.25f, 1, -2, 1}};
            for (float[] x : queries) {
                Outputs out = context.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, x)));
                float[] y = new float[2];
                out.floats("y").get(y);
                assertThat(y).containsExactly(mlp(x), org.assertj.core.api.Assertions.within(1e-5f));
            }
            // the first run learnt the output shape; the next two used ONNX Runtime's pinned outputs
            assertThat(context.pinnedRuns()).isEqualTo(2);

            float[] two = {1, 2, 3, 4, -1, 0.5f, 2, -3};
            Outputs out = context.run(Map.of("x", HostTensor.ofFloats(new long[] {2, 4}, two)));
            assertThat(out.shape("y")).containsExactly(2, 2);
            assertThat(context.pinnedRuns()).isEqualTo(2);
            assertThat(out.copy("y").floats()).containsExactly(new float[] {mlp(queries[0])[0], mlp(queries[0])[1],
                mlp(queries[1])[0], mlp(queries[1])[1]}, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    /** y = Gather(data[3,2], idx[1]): an index out of range fails the request, but is no reason to stop pinning. */
    @Test
    void aRequestThatFailsOnItsDataLeavesPinnedOutputsOn() {
        Path file = TestModels.write(new TestGraph()
                .input("idx", TestGraph.INT64, 1)
                .initializer("data", new long[] {3, 2}, 1, 2, 3, 4, 5, 6)
                .node("Gather", List.of("data", "idx"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, 2)
                .build(13), dir, "gather.onnx");
        try (LoadedModel model = new OrtInferenceBackend().load(file, InferenceOptions.defaults().withIntraOpThreads(1));
             OrtExecutionContext context = (OrtExecutionContext) model.newContext()) {
            Map<String, HostTensor> second = Map.of("idx", HostTensor.ofLongs(new long[] {1}, new long[] {1}));
            context.run(second);
            context.run(second);
            assertThat(context.pinnedRuns()).isEqualTo(1);
            assertThatThrownBy(() -> context.run(Map.of("idx", HostTensor.ofLongs(new long[] {1}, new long[] {7}))))
                    .hasMessageContaining("idx");
            Outputs out = context.run(second);
            assertThat(context.pinnedRuns()).isEqualTo(2);
            assertThat(out.copy("y").floats()).containsExactly(3, 4);
        }
    }

    /**
     * x is also a graph output: ONNX Runtime hands back the input's own value for it and leaves a buffer pinned for
     * it unwritten, so a pinned run would repeat the values of the run that learnt the shape.
     */
    @Test
    void aGraphInputThatIsAlsoAnOutputComesBackFromEachRun() {
        Path file = TestModels.write(new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 3)
                .node("Relu", List.of("x"), List.of("r"))
                .output("x", TestGraph.FLOAT, 1, 3)
                .output("r", TestGraph.FLOAT, 1, 3)
                .build(13), dir, "passthrough.onnx");
        try (LoadedModel model = new OrtInferenceBackend().load(file, InferenceOptions.defaults().withIntraOpThreads(1));
             OrtExecutionContext context = (OrtExecutionContext) model.newContext()) {
            for (float[] x : new float[][] {{1, -2, 3}, {-4, 5, 6}, {7, 8, -9}}) {
                Outputs out = context.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 3}, x)));
                assertThat(out.copy("x").floats()).containsExactly(x);
                assertThat(out.copy("r").floats()).containsExactly(Math.max(x[0], 0), Math.max(x[1], 0),
                        Math.max(x[2], 0));
            }
        }
    }
}
