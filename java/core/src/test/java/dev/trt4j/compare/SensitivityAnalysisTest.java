package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
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
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationResult;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final QuantizationConfig CONFIG = QuantizationConfig.defaults();
    private static final OrtRunnerOptions RUNNER = OrtRunnerOptions.defaults().withIntraOpThreads(1);
    private static final BiasCorrection.Choice ONE_PASS_ALL = new BiasCorrection.Choice(BiasCorrection.Scope.ALL,
            BiasCorrection.Mode.ONE_PASS);

    @TempDir
    static Path dir;
    static SensitivityAnalysis analysis;
    static SensitivityAnalysis.Ranking ranking;
    static final List<long[]> PROGRESS = new ArrayList<>();

    @BeforeAll
    static void rank() {
        Study study = Study.of(mlp(false), "mlp.onnx");
        analysis = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, study.evaluator(), study.evaluation());
        ranking = analysis.rank((done, total) -> PROGRESS.add(new long[] {done, total}));
    }

    /** The fully quantized model, then every layer: a bar that starts at 0 and ends full, never going back. */
    @Test
    void progressCountsTheFullModelAndEveryLayerUpToTheEnd() {
        long total = analysis.layers().size() + 1;
        assertThat(PROGRESS).allSatisfy(p -> assertThat(p[1]).isEqualTo(total));
        assertThat(PROGRESS.get(0)[0]).isZero();
        assertThat(PROGRESS.get(PROGRESS.size() - 1)[0]).isEqualTo(total);
        for (int i = 1; i < PROGRESS.size(); i++) {
            assertThat(PROGRESS.get(i)[0]).isGreaterThan(PROGRESS.get(i - 1)[0]);
        }
    }

    /**
     * The three-layer MLP; {@code withBiases} adds a bias Add after the first two MatMuls (a Linear layer's form, which
     * bias correction's {@code all} scope corrects) and none after the last, same weights.
     */
    private static ModelProto mlp(boolean withBiases) {
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
        TestGraph g = new TestGraph()
                .input("x", FLOAT, -1, WIDTH)
                .initializer("w1", new long[] {WIDTH, WIDTH}, w1)
                .initializer("w2", new long[] {WIDTH, WIDTH}, w2)
                .initializer("w3", new long[] {WIDTH, WIDTH}, w3);
        if (withBiases) {
            g.initializer("b1", new long[] {WIDTH}, gaussian(random, WIDTH, 0.1f))
                    .initializer("b2", new long[] {WIDTH}, gaussian(random, WIDTH, 0.1f))
                    .node("MatMul", List.of("x", "w1"), List.of("m1"))
                    .node("Add", List.of("m1", "b1"), List.of("h1"))
                    .node("MatMul", List.of("h1", "w2"), List.of("m2"))
                    .node("Add", List.of("m2", "b2"), List.of("h2"));
        } else {
            g.node("MatMul", List.of("x", "w1"), List.of("h1"))
                    .node("MatMul", List.of("h1", "w2"), List.of("h2"));
        }
        return g.node("MatMul", List.of("h2", "w3"), List.of("y"))
                .output("y", FLOAT, -1, WIDTH)
                .build(13);
    }

    /**
     * A model written to {@code dir}, its max ranges over 128 synthetic calibration samples, and the judge on 128
     * other samples.
     */
    private record Study(ModelProto model, Map<String, Float> amax, Supplier<CalibrationDataSource> calibration,
                         CandidateEvaluator evaluator, Supplier<CalibrationDataSource> evaluation) {
        static Study of(ModelProto model, String name) {
            Path file = TestModels.write(model, dir, name);
            OnnxModel onnx = OnnxModel.load(file);
            DataOptions data = DataOptions.builder().batchSize(32).maxSamples(128).build();
            Supplier<CalibrationDataSource> calibration = () -> new SyntheticSource(onnx.inputs(), data);
            ActivationStatistics statistics;
            try (CalibrationDataSource source = calibration.get()) {
                statistics = new ActivationStatisticsCollector(onnx,
                        new QdqQuantizer(CONFIG).requiredActivations(model), StatisticsOptions.defaults())
                        .collect(source);
            }
            Map<String, Float> amax = AmaxTableCalculator.compute(statistics,
                    MethodSpec.parse("max", CalibrationOptions.defaults()), file).amaxByTensor();
            CandidateEvaluator evaluator = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                    .withRunnerOptions(RUNNER.withGraphOptimizations(false)), 2);
            Supplier<CalibrationDataSource> evaluation = () -> new SyntheticSource(onnx.inputs(),
                    data.toBuilder().seed(99).build());
            return new Study(model, amax, calibration, evaluator, evaluation);
        }
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
    void anUnreachableTargetStillLeavesALayerInInt8() {
        PartialQuantization p = analysis.keepWithin(0.0, ranking);

        assertThat(p.reached()).as("the last layers each lose some cosine").isFalse();
        assertThat(p.skipped()).hasSize(ranking.layers().size() - 1);
        assertThat(p.steps()).extracting(PartialQuantization.Step::skippedLayers).containsExactly(0, 1, 2);
        assertThat(p.model().report().quantizedNodes()).hasSize(1);
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

    /**
     * With bias correction, the fully quantized model, each one-layer model and the partial model are those
     * {@code quantize --bias-correction=all} makes on the calibration samples; a one-layer model with nothing to
     * correct is judged as quantized.
     */
    @Test
    void biasCorrectionCorrectsEveryCandidateOnTheCalibrationSamples() {
        Study study = Study.of(mlp(true), "mlp-bias.onnx");
        SensitivityAnalysis plain = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, study.evaluator(),
                study.evaluation());
        SensitivityAnalysis corrected = new SensitivityAnalysis(study.model(), study.amax(), CONFIG,
                CandidateCorrection.biasCorrection(ONE_PASS_ALL, study.calibration(), RUNNER),
                study.evaluator(), study.evaluation());

        assertThat(corrected.fullyQuantized().model()).isEqualTo(biasCorrected(plain.fullyQuantized(), study))
                .isNotEqualTo(plain.fullyQuantized().model());
        assertThat(initializers(corrected.fullyQuantized().model())).contains("b1_corrected", "b2_corrected")
                .doesNotContain("b1", "b2");
        assertThat(corrected.fullyQuantized().report()).isEqualTo(plain.fullyQuantized().report());

        SensitivityAnalysis.Ranking p = plain.rank();
        SensitivityAnalysis.Ranking c = corrected.rank();
        assertThat(c.fullyQuantized().candidate()).isNotEqualTo(p.fullyQuantized().candidate());
        for (String layer : List.of("MatMul_0", "MatMul_2")) { // each followed by a bias Add
            assertThat(layer(c, layer).score()).as(layer).isNotEqualTo(layer(p, layer).score());
        }
        assertThat(layer(c, "MatMul_4")).as("no bias Add: nothing to correct").isEqualTo(layer(p, "MatMul_4"));

        PartialQuantization partial = corrected.keepWithin(0.01, c);
        assertThat(partial.model().report().quantizedNodes()).as("a layer with a bias is left to correct")
                .contains("MatMul_0");
        QuantizationConfig.Builder skipping = CONFIG.toBuilder();
        partial.skipped().forEach(skipping::excludeNode);
        QuantizationResult asQuantized = new QdqQuantizer(skipping.build()).quantize(study.model(), study.amax());
        assertThat(partial.model().model()).isEqualTo(biasCorrected(asQuantized, study));
    }

    @Test
    void biasCorrectionOfAModelWithNothingToCorrectIsRefusedBeforeRanking() {
        Study study = Study.of(mlp(false), "mlp-no-conv.onnx");
        CandidateCorrection convs = CandidateCorrection.biasCorrection(
                new BiasCorrection.Choice(BiasCorrection.Scope.CONV, BiasCorrection.Mode.ONE_PASS), study.calibration(),
                RUNNER);

        assertThatThrownBy(() -> new SensitivityAnalysis(study.model(), study.amax(), CONFIG, convs,
                study.evaluator(), study.evaluation())).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("no quantized Conv");
    }

    @Test
    void theReportSaysWhichBiasCorrectionWasApplied() throws IOException {
        TaskScore full = ranking.fullyQuantized();
        SensitivityReport corrected = new SensitivityReport("mlp.onnx", "abc", "max", full.metric(),
                full.higherIsBetter(), ranking.evaluationData(), full.reference(), full.candidate(), ranking.layers(),
                null, ONE_PASS_ALL, "seeded random (seed 1)", 64L, ranking.evaluationSamples());
        Path json = dir.resolve("sensitivity-bias.json");
        corrected.write(json);

        assertThat(SensitivityReport.read(json)).isEqualTo(corrected);
        assertThat(corrected.toJson().get("biasCorrection").asText()).isEqualTo("all");
        assertThat(corrected.toJson().get("biasCorrectionMode").asText()).isEqualTo("one-pass");
        assertThat(corrected.toJson().get("evaluationSamples").asLong()).isEqualTo(ranking.evaluationSamples())
                .isPositive();
        assertThat(plain().toJson().get("evaluationSamples").isNull()).as("present, null when not recorded").isTrue();
        assertThat(corrected.rankingTable().title()).contains("(max activations, bias correction: all)");

        SensitivityReport plain = plain();
        assertThat(plain.toJson().get("biasCorrection").isNull()).isTrue();
        assertThat(plain.rankingTable().title()).doesNotContain("bias");
        // A file written before the field existed reads as "none applied".
        ObjectNode old = plain.toJson();
        old.remove("biasCorrection");
        old.remove("evaluationSamples");
        Path older = dir.resolve("sensitivity-old.json");
        Files.writeString(older, old.toString());
        assertThat(SensitivityReport.read(older)).isEqualTo(plain);

        // Layer by layer is named in the title and read back; a file from before modes existed means one pass.
        SensitivityReport layered = new SensitivityReport("mlp.onnx", "abc", "max", full.metric(),
                full.higherIsBetter(), ranking.evaluationData(), full.reference(), full.candidate(), ranking.layers(),
                null, new BiasCorrection.Choice(BiasCorrection.Scope.CONV, BiasCorrection.Mode.LAYER_BY_LAYER),
                "seeded random (seed 1)", 64L, ranking.evaluationSamples());
        assertThat(layered.rankingTable().title()).contains("(max activations, bias correction: conv, layer-by-layer)");
        Path layeredJson = dir.resolve("sensitivity-layered.json");
        layered.write(layeredJson);
        assertThat(SensitivityReport.read(layeredJson)).isEqualTo(layered);
        ObjectNode beforeModes = corrected.toJson();
        beforeModes.remove("biasCorrectionMode");
        Path beforeModesJson = dir.resolve("sensitivity-before-modes.json");
        Files.writeString(beforeModesJson, beforeModes.toString());
        assertThat(SensitivityReport.read(beforeModesJson)).isEqualTo(corrected);
    }

    private static SensitivityReport plain() {
        TaskScore full = ranking.fullyQuantized();
        return new SensitivityReport("mlp.onnx", "abc", "max", full.metric(), full.higherIsBetter(), "synthetic",
                full.reference(), full.candidate(), ranking.layers(), null);
    }

    private static ModelProto biasCorrected(QuantizationResult quantized, Study study) {
        try (CalibrationDataSource source = study.calibration().get()) {
            return BiasCorrection.apply(quantized.model(), source, RUNNER, BiasCorrection.Scope.ALL).model();
        }
    }

    private static List<String> initializers(ModelProto model) {
        return model.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
    }

    private static LayerSensitivity layer(SensitivityAnalysis.Ranking ranking, String node) {
        return ranking.layers().stream().filter(l -> l.node().equals(node)).findFirst().orElseThrow();
    }

    /**
     * A candidate is held as a protobuf that shares the FP32 weights it leaves unchanged with the model (Q/DQ for
     * TensorRT keeps every weight in FP32 behind a Q/DQ pair): the candidates of a model past 2 GiB cost far less
     * than one model each on the heap.
     */
    @Test
    void aCandidateSharesTheModelsWeightsInsteadOfCopyingThem() {
        ModelProto model = mlp(false);
        ModelProto candidate = new QdqQuantizer(CONFIG).quantize(model, Study.of(model, "shared.onnx").amax())
                .model();

        for (TensorProto weight : model.getGraph().getInitializerList()) {
            TensorProto held = candidate.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals(weight.getName())).findFirst().orElseThrow();
            assertThat(weight.getRawData().size()).as(weight.getName()).isEqualTo(4 * WIDTH * WIDTH);
            assertThat(held.getRawData()).as(weight.getName()).isSameAs(weight.getRawData());
        }
    }

    /**
     * Candidates past 2 GiB (the limit lowered to 0 here, as no test writes gigabytes) are judged one a pass, each
     * session beside the reference's alone, with the scores a shared pass gives them.
     */
    @Test
    void candidatesPastTheLimitAreJudgedOneAPassWithTheSameScores() {
        Study study = Study.of(mlp(false), "alone.onnx");
        CandidateEvaluator shared = study.evaluator();
        CandidateEvaluator alone = new CandidateEvaluator(shared.reference(), Optional.empty(),
                EvaluationOptions.defaults().withRunnerOptions(RUNNER.withGraphOptimizations(false)),
                shared.passSize(), 0);
        AtomicInteger passes = new AtomicInteger();
        Supplier<CalibrationDataSource> counted = () -> {
            passes.incrementAndGet();
            return study.evaluation().get();
        };

        SensitivityAnalysis.Ranking expected = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, shared,
                study.evaluation()).rank();
        SensitivityAnalysis.Ranking actual = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, alone,
                counted).rank();

        assertThat(actual).isEqualTo(expected);
        assertThat(passes).as("the reference's, the fully quantized model's, then each of the 3 layers alone")
                .hasValue(5);
    }

    /**
     * A study of several passes runs the reference once, not once a pass, and ranks and searches exactly as the
     * reference run beside the candidates in every pass does (outputs too large to keep fall back to that).
     */
    @Test
    void theReferenceRunsOnceForTheWholeStudyWithTheSameResults() {
        Study study = Study.of(mlp(false), "once.onnx");
        AtomicInteger keptOpens = new AtomicInteger();
        AtomicInteger liveOpens = new AtomicInteger();
        EvaluationOptions options = EvaluationOptions.defaults().withRunnerOptions(
                RUNNER.withGraphOptimizations(false));
        CandidateEvaluator keeping = new CandidateEvaluator(study.evaluator().reference(), Optional.empty(), options,
                2).withReferenceOpener(counting(keptOpens, options));
        CandidateEvaluator live = new CandidateEvaluator(study.evaluator().reference(), Optional.empty(), options, 2,
                Integer.MAX_VALUE, 0).withReferenceOpener(counting(liveOpens, options));

        SensitivityAnalysis kept = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, keeping,
                study.evaluation());
        SensitivityAnalysis besides = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, live,
                study.evaluation());
        SensitivityAnalysis.Ranking ranking = kept.rank();
        PartialQuantization search = kept.keepWithin(0, ranking);

        assertThat(ranking).isEqualTo(besides.rank());
        assertThat(search.steps()).isEqualTo(besides.keepWithin(0, ranking).steps());
        assertThat(keptOpens).as("one reference session for the ranking's 3 passes and the search's").hasValue(1);
        assertThat(liveOpens).as("the attempt to keep, then one per call").hasValueGreaterThan(4);
    }

    /** One pass of small candidates keeps the reference beside them: one session, the data read once. */
    @Test
    void aSinglePassOfSmallCandidatesRunsTheReferenceBesideThem() {
        Study study = Study.of(mlp(false), "single.onnx");
        AtomicInteger opens = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        EvaluationOptions options = EvaluationOptions.defaults().withRunnerOptions(
                RUNNER.withGraphOptimizations(false));
        CandidateEvaluator evaluator = new CandidateEvaluator(study.evaluator().reference(), Optional.empty(),
                options, 8).withReferenceOpener(counting(opens, options));
        SensitivityAnalysis analysis = new SensitivityAnalysis(study.model(), study.amax(), CONFIG, evaluator,
                study.evaluation());

        List<Candidate> two = List.of(new Candidate("a", analysis.fullyQuantized().model()),
                new Candidate("b", analysis.fullyQuantized().model()));
        List<dev.trt4j.evaluate.EvaluationResult> results = evaluator.evaluate(two, () -> {
            reads.incrementAndGet();
            return study.evaluation().get();
        });

        assertThat(results).hasSize(2);
        assertThat(opens).hasValue(1);
        assertThat(reads).hasValue(1);
    }

    private static java.util.function.Function<Path, dev.trt4j.ort.OrtModelRunner> counting(AtomicInteger opens,
                                                                                           EvaluationOptions options) {
        return p -> {
            opens.incrementAndGet();
            return dev.trt4j.ort.OrtModelRunner.open(p, options.runnerOptions());
        };
    }

    /**
     * Passes of at most passSize and the byte limit, in order: one past the limit gets its own, between the others,
     * and two that fit it apiece but not together are judged apart.
     */
    @Test
    void aLargeCandidateCutsThePassesAroundIt() {
        CandidateEvaluator evaluator = new CandidateEvaluator(dir.resolve("any.onnx"), Optional.empty(),
                EvaluationOptions.defaults(), 2, 500);
        Candidate a = small("a");
        Candidate b = new Candidate("b", ModelProto.newBuilder().setDocString("x".repeat(1000)).build());
        Candidate c = small("c");
        Candidate d = small("d");
        Candidate e = small("e");

        Candidate m = new Candidate("m", ModelProto.newBuilder().setDocString("x".repeat(300)).build());
        Candidate n = new Candidate("n", ModelProto.newBuilder().setDocString("x".repeat(300)).build());

        assertThat(evaluator.passes(List.of(a, b, c, d, e))).containsExactly(List.of(a), List.of(b), List.of(c, d),
                List.of(e));
        assertThat(evaluator.passes(List.of(m, n, a))).containsExactly(List.of(m), List.of(n, a));
    }

    private static Candidate small(String name) {
        return new Candidate(name, ModelProto.newBuilder().setDocString(name).build());
    }

    @Test
    void aNegativeTargetIsRefused() {
        assertThatThrownBy(() -> analysis.keepWithin(-0.1, ranking)).isInstanceOf(IllegalArgumentException.class);
    }
}
