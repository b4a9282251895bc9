package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.SyntheticSource;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.TestGraph;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

import static dev.trt4j.onnx.TestGraph.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sensitivity on a three-layer MLP whose middle layer cannot survive per-channel INT8 weights: every output channel
 * of its weight holds one large value, fed by an input that is almost always near zero, and small values that
 * carry the signal but round to zero at the large value's scale.
 */
class SensitivityAnalysisTest {
    private static final int WIDTH = 8;
    private static final String FRAGILE = "MatMul_1";

    @TempDir
    static Path dir;
    static SensitivityAnalysis analysis;
    static SensitivityAnalysis.Ranking ranking;

    @BeforeAll
    static void rank() {
        Random random = new Random(11);
        float[] w1 = gaussian(random, WIDTH * WIDTH, 0.5f);
        for (int r = 0; r < WIDTH; r++) {
            w1[r * WIDTH] = 1e-4f; // output 0 of the first layer stays near zero
        }
        float[] w2 = gaussian(random, WIDTH * WIDTH, 0.1f);
        for (int c = 0; c < WIDTH; c++) {
            w2[c] = 50f; // row 0 (reading the near-zero output) dominates every column's range
        }
        float[] w3 = gaussian(random, WIDTH * WIDTH, 0.5f);
        ModelProto model = new TestGraph()
                .input("x", FLOAT, -1, WIDTH)
                .initializer("w1", new long[] {WIDTH, WIDTH}, w1)
                .initializer("w2", new long[] {WIDTH, WIDTH}, w2)
                .initializer("w3", new long[] {WIDTH, WIDTH}, w3)
                .node("MatMul", List.of("x", "w1"), List.of("h1"))
                .node("MatMul", List.of("h1", "w2"), List.of("h2"))
                .node("MatMul", List.of("h2", "w3"), List.of("y"))
                .output("y", FLOAT, -1, WIDTH)
                .build(13);
        Path file = TestModels.write(model, dir, "mlp.onnx");
        OnnxModel onnx = OnnxModel.load(file);
        DataOptions data = DataOptions.builder().batchSize(32).maxSamples(128).build();
        QuantizationConfig config = QuantizationConfig.defaults();
        ActivationStatistics statistics;
        try (CalibrationDataSource source = new SyntheticSource(onnx.inputs(), data)) {
            statistics = new ActivationStatisticsCollector(onnx,
                    new QdqQuantizer(config).requiredActivations(model), StatisticsOptions.defaults()).collect(source);
        }
        Map<String, Float> amax = AmaxTableCalculator.compute(statistics,
                MethodSpec.parse("max", CalibrationOptions.defaults()), file).amaxByTensor();
        CandidateEvaluator evaluator = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                .withRunnerOptions(OrtRunnerOptions.defaults().withIntraOpThreads(1).withGraphOptimizations(false)), 2);
        Supplier<CalibrationDataSource> evaluation = () -> new SyntheticSource(onnx.inputs(),
                data.toBuilder().seed(99).build());
        analysis = new SensitivityAnalysis(model, amax, config, evaluator, evaluation);
        ranking = analysis.rank();
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    @Test
    void everyQuantizedLayerIsRankedMostSensitiveFirst() {
        assertThat(analysis.layers()).containsExactly("MatMul_0", "MatMul_1", "MatMul_2");
        assertThat(ranking.layers()).extracting(LayerSensitivity::node)
                .containsExactlyInAnyOrder("MatMul_0", "MatMul_1", "MatMul_2");
        assertThat(ranking.layers()).isSortedAccordingTo(LayerSensitivity.MOST_SENSITIVE_FIRST);
        assertThat(ranking.layers()).extracting(LayerSensitivity::drop)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(ranking.layers()).allSatisfy(l -> assertThat(l.opType()).isEqualTo("MatMul"));
    }

    @Test
    void theFragileLayerTopsTheRanking() {
        LayerSensitivity top = ranking.layers().get(0);
        assertThat(top.node()).isEqualTo(FRAGILE);
        assertThat(top.drop()).as("without a task the score is the output cosine").isGreaterThan(0.05);
        assertThat(ranking.layers().get(1).drop()).isLessThan(top.drop() / 10);
        assertThat(ranking.fullyQuantized().metric()).isEqualTo("cosine(y)");
        assertThat(ranking.fullyQuantized().drop()).isGreaterThan(0.05);
    }

    @Test
    void theSearchSkipsLayersUntilWithinTargetAndStops() {
        PartialQuantization p = analysis.keepWithin(0.01, ranking);

        assertThat(p.reached()).isTrue();
        assertThat(p.skipped()).containsExactly(FRAGILE);
        assertThat(p.score().drop()).isLessThanOrEqualTo(0.01);
        assertThat(p.steps()).extracting(PartialQuantization.Step::skippedLayers).containsExactly(0, 1);
        assertThat(p.steps().get(0).drop()).isGreaterThan(0.01);
        assertThat(p.model().report().excludedNodes()).containsExactly(FRAGILE);
        assertThat(p.model().report().quantizedNodes()).containsExactly("MatMul_0", "MatMul_2");
    }

    @Test
    void aLooseTargetKeepsEveryLayerQuantized() {
        PartialQuantization p = analysis.keepWithin(1.0, ranking);

        assertThat(p.skipped()).isEmpty();
        assertThat(p.steps()).hasSize(1);
        assertThat(p.model().report().quantizedNodes()).hasSize(3);
    }

    @Test
    void theReportRoundTripsThroughJsonAndListsTheSkippedLayers() {
        PartialQuantization p = analysis.keepWithin(0.01, ranking);
        TaskScore full = ranking.fullyQuantized();
        SensitivityReport report = new SensitivityReport("mlp.onnx", "abc", "max", full.metric(),
                full.higherIsBetter(), "synthetic", full.reference(), full.candidate(), ranking.layers(),
                SensitivityReport.Search.of(p));
        Path json = dir.resolve("sensitivity.json");
        report.write(json);

        assertThat(SensitivityReport.read(json)).isEqualTo(report);
        assertThat(report.skipListText()).isEqualTo(FRAGILE + "\n");
        assertThat(report.rankingTable().rows().get(0).label()).isEqualTo(FRAGILE + " (MatMul)");
    }

    @Test
    void aNegativeTargetIsRefused() {
        assertThatThrownBy(() -> analysis.keepWithin(-0.1, ranking)).isInstanceOf(IllegalArgumentException.class);
    }
}
