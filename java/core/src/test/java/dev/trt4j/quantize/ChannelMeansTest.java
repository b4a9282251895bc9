package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.data.Batch;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ChannelMeansTest {
    /** x [N,2,3] → Mul by s → a; x → Add t → b [N,2,3]; a + b → y. */
    private static ModelProto model() {
        return new ModelBuilder("branches", 13).input("x", -1, 2, 3).output("y")
                .initializer("s", new long[] {1}, new float[] {2f})
                .initializer("t", new long[] {1}, new float[] {10f})
                .node("Mul", "scale", List.of("x", "s"), List.of("a"))
                .node("Add", "shift", List.of("x", "t"), List.of("b"))
                .node("Add", "sum", List.of("a", "b"), List.of("y")).build();
    }

    private static Batch batch(float... values) {
        int n = values.length / 6;
        return new Batch(n, Map.of("x", HostTensor.ofFloats(new long[] {n, 2, 3}, values)));
    }

    @Test
    void cutsAModelDownToWhatATensorNeeds() {
        ModelProto cut = ChannelMeans.cutTo(model(), List.of("a"));

        assertThat(cut.getGraph().getNodeList()).extracting(NodeProto::getName).containsExactly("scale");
        assertThat(cut.getGraph().getInitializerList()).extracting(TensorProto::getName).containsExactly("s");
        assertThat(cut.getGraph().getInputCount()).isEqualTo(1);
        assertThat(cut.getGraph().getOutputCount()).isZero();
    }

    @Test
    void averagesEachChannelOverSamplesAndPositionsWeightingBatchesBySamples() {
        // Channel-first [N,2,3]: channel c of sample n is values [6n + 3c, 6n + 3c + 3).
        List<Batch> batches = List.of(batch(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), batch(0, 0, 0, 30, 30, 30));

        List<double[]> means = ChannelMeans.measure(model(), List.of(new ChannelMeans.Request("a", "a", 2, 3),
                new ChannelMeans.Request("b", "b", 3, 0)), batches, OrtRunnerOptions.defaults(), "test");

        // a = 2x per channel: channel 0 holds 1..3, 7..9, 0,0,0 → mean 30/9; channel 1 holds 4..6, 10..12, 30×3.
        assertThat(means.get(0)).containsExactly(new double[] {2 * 30.0 / 9, 2 * 138.0 / 9}, within(1e-5));
        // b = x + 10 with channels last: column k holds x[.., k] of every row.
        assertThat(means.get(1)).containsExactly(new double[] {10 + 52.0 / 6, 10 + 56.0 / 6, 10 + 60.0 / 6},
                within(1e-5));
    }
}
