package dev.trt4j.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The per-layer profile's statistics, its text and its trtexec {@code --exportProfile} layout. */
class LayerProfileTest {
    private static final LayerProfile PROFILE = new LayerProfile(4, List.of(
            new LayerProfile.Layer("conv1", "Conv", new double[] {1, 2, 3, 10}),
            new LayerProfile.Layer("relu1", "Relu", new double[] {0.5, 0.5, 0.5, 0.5}),
            new LayerProfile.Layer("conv2", "Conv", new double[] {4, 4, 4, 4})));

    @Test
    void eachLayersTotalAverageMedianAndShare() {
        LayerProfile.Layer conv1 = PROFILE.layers().get(0);
        assertThat(conv1.totalMs()).isEqualTo(16);
        assertThat(conv1.averageMs()).isEqualTo(4);
        assertThat(conv1.medianMs()).as("mean of the middle two of 1, 2, 3, 10").isEqualTo(2.5);
        assertThat(new LayerProfile.Layer("x", "Add", new double[] {7, 1, 3}).medianMs()).isEqualTo(3);
        assertThat(PROFILE.totalMs()).isEqualTo(34);
        assertThat(PROFILE.averageMs()).isEqualTo(8.5);
        assertThat(PROFILE.percentage(conv1)).isCloseTo(100 * 16 / 34.0, within(1e-12));
        assertThat(PROFILE.layers().stream().mapToDouble(PROFILE::percentage).sum()).isCloseTo(100, within(1e-9));
    }

    @Test
    void operatorsAreSummedAndTheSlowestComeFirst() {
        List<LayerProfile.OperatorTime> ops = PROFILE.byOperator();
        assertThat(ops).extracting(LayerProfile.OperatorTime::operator).containsExactly("Conv", "Relu");
        assertThat(ops.get(0).layers()).isEqualTo(2);
        assertThat(ops.get(0).averageMs()).isEqualTo(8);
        assertThat(ops.get(1).percentage()).isCloseTo(100 * 2 / 34.0, within(1e-12));
        assertThat(PROFILE.slowest(2)).extracting(LayerProfile.Layer::name).containsExactly("conv1", "conv2");
        assertThat(PROFILE.slowest(10)).hasSize(3);
    }

    @Test
    void textListsOperatorsThenTheSlowestLayers() {
        List<String> lines = LayerProfileText.lines(PROFILE, "a profiler", 9, 2);
        assertThat(lines.get(0)).isEqualTo("Layer profile (a profiler, a separate run of 4 queries): 8.5000 ms per "
                + "query in 3 layers, against the timed run's median latency of 9.0000 ms");
        assertThat(lines.get(2)).contains("Conv").contains("8.0000").contains("94.12%").endsWith("2");
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("  Slowest 2 layers:"));
        assertThat(lines.get(lines.size() - 2)).contains("4.0000").contains("2.5000").endsWith("conv1 (Conv)");
        assertThat(lines.get(lines.size() - 1)).endsWith("conv2 (Conv)");
    }

    /**
     * ONNX Runtime's profiler adds a few microseconds to every node: 235 nodes summed to 1.52 ms per query against a
     * median latency of 0.83 ms, printed with nothing beside it, where the README said the layers left time out.
     */
    @Test
    void aSumAboveTheLatencyIsSaidToBeTheProfilersOwnTime() {
        assertThat(LayerProfileText.lines(PROFILE, "ONNX Runtime's profiler", 5.25, 2).get(0)).isEqualTo("Layer "
                + "profile (ONNX Runtime's profiler, a separate run of 4 queries): 8.5000 ms per query in 3 layers, "
                + "above the timed run's median latency of 5.2500 ms: ONNX Runtime's profiler adds time of its own "
                + "to every layer's, so the shares of cheap layers read high");
        assertThat(LayerProfileText.lines(PROFILE, "ONNX Runtime's profiler", 8.5, 2).get(0))
                .endsWith("8.5000 ms per query in 3 layers, against the timed run's median latency of 8.5000 ms");
    }

    @Test
    void jsonHasTrtexecsExportProfileLayout() throws Exception {
        String json = LayerProfileJson.toJson(PROFILE);
        assertThat(json.lines().toList()).as("one element per line, as trtexec writes it").hasSize(6)
                .startsWith("[", "  {\"count\":4}").endsWith("]");
        assertThat(json.lines().skip(2).limit(3)).allSatisfy(l -> assertThat(l).startsWith(", {\"name\":"));
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.size()).isEqualTo(4);
        assertThat(root.get(0).get("count").asInt()).isEqualTo(4);
        JsonNode conv1 = root.get(1);
        assertThat(conv1.get("name").asText()).isEqualTo("conv1");
        assertThat(conv1.get("timeMs").asDouble()).isEqualTo(16);
        assertThat(conv1.get("averageMs").asDouble()).isEqualTo(4);
        assertThat(conv1.get("medianMs").asDouble()).isEqualTo(2.5);
        assertThat(conv1.get("percentage").asDouble()).isCloseTo(100 * 16 / 34.0, within(1e-12));
        assertThat(conv1.get("operator").asText()).isEqualTo("Conv");
        assertThat(root.get(3).get("name").asText()).as("execution order").isEqualTo("conv2");
    }

    @Test
    void timesMustBeOnePerQuery() {
        assertThatThrownBy(() -> new LayerProfile(3, List.of(new LayerProfile.Layer("a", "Add", new double[2]))))
                .hasMessage("layer 'a' has 2 times for 3 queries");
        assertThatThrownBy(() -> new LayerProfile(0, List.of())).hasMessageContaining("at least one query");
    }

    @Test
    void aLayerKeepsItsOwnCopyOfTheTimes() {
        double[] times = {1, 2};
        LayerProfile.Layer layer = new LayerProfile.Layer("a", "Add", times);
        times[0] = 100;
        layer.msPerQuery()[1] = 100;
        assertThat(layer.totalMs()).isEqualTo(3);
    }
}
