package dev.trt4j.runtime.ort;

import dev.trt4j.onnx.TestModels;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.LoadedModel;
import dev.trt4j.runtime.Outputs;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
