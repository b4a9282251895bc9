package dev.trt4j.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.JsonDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The calibrator comparison on the real PP-OCR text-direction classifier with rendered text lines. */
class CalibratorComparisonTest {
    private static final List<String> METHODS = List.of("max", "entropy", "percentile=99.99");

    @TempDir
    static Path dir;
    static CalibratorComparison.Outcome outcome;
    static ComparisonReport report;

    @BeforeAll
    static void compare() {
        Path file = TestModels.ppocrClassifier(dir);
        OnnxModel model = OnnxModel.load(file);
        List<MethodSpec> methods = METHODS.stream().map(m -> MethodSpec.parse(m, CalibrationOptions.defaults()))
                .toList();
        ComparisonSettings settings = new ComparisonSettings(methods, QuantizationConfig.defaults(),
                StatisticsOptions.defaults().withThreads(2), 32, List.of(16L), true, null);
        SampleSplit split = SampleSplit.of(null, model.inputs(), DataOptions.builder().batchSize(16)
                .rotateHalf(true).seed(5).build(), true);
        CandidateEvaluator evaluator = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                .withRunnerOptions(OrtRunnerOptions.defaults().withIntraOpThreads(2)), 8);
        outcome = new CalibratorComparison(model, settings, evaluator)
                .withProgress((label, total) -> {
                    Phase phase = new Phase(label, total, new ArrayList<>());
                    PHASES.add(phase);
                    return (done, of) -> phase.updates().add(new long[] {done, of});
                })
                .run(split::calibration, () -> split.evaluation(settings.maxCalibrationSamples(), 48));
        report = outcome.report();
    }

    /** A phase the comparison began: its label, the total it began with and the updates it was told. */
    record Phase(String label, long total, List<long[]> updates) {
    }

    static final List<Phase> PHASES = new ArrayList<>();

    /**
     * Each phase has its own label and count, which runs from 0 up to its total and never back: one bar for all read
     * "100 % 16/16" after the statistics, stood still while the ranges were computed, then fell back to "25 % 8/32".
     * Statistics count calibration samples, ranges and models count methods, evaluation the 48 held-out samples;
     * three passes in all (methods, weights study, sweep), so the reference's outputs are kept first.
     */
    @Test
    void everyPhaseHasItsOwnLabelAndCountsUpToItsTotal() {
        assertThat(PHASES).extracting(Phase::label).containsExactly("Collecting statistics", "Computing ranges",
                "Quantizing", "Evaluating FP32", "Evaluating methods", "Weights study: quantizing",
                "Weights study: evaluating", "Sweep 16: collecting statistics", "Sweep 16: computing ranges",
                "Sweep 16: quantizing", "Sweep 16: evaluating");
        assertThat(PHASES).extracting(Phase::label).doesNotHaveDuplicates();
        List<Long> ends = List.of(32L, 3L, 3L, 48L, 48L, 4L, 48L, 16L, 3L, 3L, 48L);
        for (int i = 0; i < PHASES.size(); i++) {
            Phase phase = PHASES.get(i);
            List<long[]> updates = phase.updates();
            assertThat(phase.total()).as(phase.label()).isIn(ends.get(i), -1L);
            assertThat(updates).as(phase.label()).isNotEmpty();
            long[] last = updates.get(updates.size() - 1);
            assertThat(last).as(phase.label() + " ends full").containsExactly(ends.get(i), ends.get(i));
            for (int k = 0; k < updates.size(); k++) {
                long[] u = updates.get(k);
                assertThat(u[0]).as(phase.label()).isBetween(0L, ends.get(i));
                assertThat(u[1]).as(phase.label()).isIn(ends.get(i), -1L);
                if (k > 0) {
                    assertThat(u[0]).as(phase.label() + " never falls back")
                            .isGreaterThanOrEqualTo(updates.get(k - 1)[0]);
                }
            }
        }
    }

    /** Bias correction changes every candidate (not the ranges), and the report says it was applied. */
    @Test
    void biasCorrectionIsAppliedToEveryCandidateOnTheCalibrationSamples() throws IOException {
        Path file = TestModels.ppocrClassifier(Files.createDirectories(dir.resolve("bias-correction")));
        OnnxModel model = OnnxModel.load(file);
        List<MethodSpec> max = List.of(MethodSpec.parse("max", CalibrationOptions.defaults()));
        SampleSplit split = SampleSplit.of(null, model.inputs(), DataOptions.builder().batchSize(16)
                .rotateHalf(true).seed(5).build(), true);
        CandidateEvaluator evaluator = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                .withRunnerOptions(OrtRunnerOptions.defaults().withIntraOpThreads(2)), 8);
        ComparisonReport[] reports = new ComparisonReport[2];
        for (int k = 0; k < 2; k++) {
            ComparisonSettings settings = new ComparisonSettings(max, QuantizationConfig.defaults(),
                    StatisticsOptions.defaults().withThreads(2), 16, List.of(), false, null,
                    k == 0 ? null : new BiasCorrection.Choice(BiasCorrection.Scope.CONV, BiasCorrection.Mode.ONE_PASS));
            reports[k] = new CalibratorComparison(model, settings, evaluator)
                    .run(split::calibration, () -> split.evaluation(settings.maxCalibrationSamples(), 16)).report();
        }
        assertThat(reports[0].quantization()).doesNotContain("bias correction");
        assertThat(reports[1].quantization()).endsWith(", bias correction (conv)");
        ResultTable.Row plain = reports[0].fidelity().rows().get(0);
        ResultTable.Row corrected = reports[1].fidelity().rows().get(0);
        assertThat(corrected.values()).as("output cosine and SNR move").isNotEqualTo(plain.values());
    }

    /**
     * The methods, the weights study and the sweep judge against the reference's outputs kept once: the report is the
     * one the reference run beside the candidates in every pass gives (kept outputs past their budget fall back to
     * that).
     */
    @Test
    void keptReferenceOutputsGiveTheSameReport() throws IOException {
        Path file = TestModels.ppocrClassifier(Files.createDirectories(dir.resolve("live")));
        OnnxModel model = OnnxModel.load(file);
        List<MethodSpec> methods = METHODS.stream().map(m -> MethodSpec.parse(m, CalibrationOptions.defaults()))
                .toList();
        ComparisonSettings settings = new ComparisonSettings(methods, QuantizationConfig.defaults(),
                StatisticsOptions.defaults().withThreads(2), 32, List.of(16L), true, null);
        SampleSplit split = SampleSplit.of(null, model.inputs(), DataOptions.builder().batchSize(16)
                .rotateHalf(true).seed(5).build(), true);
        CandidateEvaluator live = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                .withRunnerOptions(OrtRunnerOptions.defaults().withIntraOpThreads(2)), 8, Integer.MAX_VALUE, 0);
        ComparisonReport besides = new CalibratorComparison(model, settings, live)
                .run(split::calibration, () -> split.evaluation(settings.maxCalibrationSamples(), 48)).report();

        assertThat(report.toJson()).isEqualTo(besides.toJson());
        assertThat(report).isEqualTo(besides);
    }

    @Test
    void theMethodsTableHasTheModelAsRowAndFp32ThenEveryMethodAsColumns() {
        ResultTable t = report.methods();
        assertThat(t.columns()).containsExactly("FP32", "max", "entropy", "percentile-99.99");
        assertThat(t.rows()).hasSize(1);
        assertThat(t.rows().get(0).label()).isEqualTo("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        assertThat(t.rows().get(0).values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        assertThat(t.rows().get(0).value(0)).as("FP32 reads rendered lines' direction").isGreaterThan(0.8);
        assertThat(report.metric()).isEqualTo("accuracy");
        assertThat(report.evaluationSamples()).isEqualTo(48);
        assertThat(report.calibrationSamples()).isEqualTo(32);
    }

    @Test
    void evaluationSamplesAreNotCalibrationSamples() {
        assertThat(report.calibrationData()).contains("[0, 32)");
        assertThat(report.evaluationData()).contains("[32, 80)");
    }

    @Test
    void everyMethodGetsItsOwnRangesAndAFidelityRow() {
        assertThat(outcome.tables()).containsOnlyKeys("max", "entropy", "percentile-99.99");
        assertThat(outcome.tables().get("max").amaxByTensor()).isNotEqualTo(outcome.tables().get("entropy")
                .amaxByTensor());
        // the tables say how their histograms were collected, as calibrate's do
        assertThat(outcome.tables().get("entropy").provenance().parameters()).containsEntry("numBins", "2048")
                .containsEntry("skipZeros", "false").containsKey("rangePass");
        assertThat(outcome.tables().get("max").provenance().parameters()).doesNotContainKey("numBins");
        ResultTable f = report.fidelity();
        assertThat(f.rows()).extracting(ResultTable.Row::label)
                .containsExactly("max", "entropy", "percentile-99.99");
        for (ResultTable.Row r : f.rows()) {
            int i = report.methods().column(r.label());
            assertThat(r.value(0)).isEqualTo(report.methods().rows().get(0).value(i));
            assertThat(r.value(1)).isCloseTo(report.methods().rows().get(0).value(0) - r.value(0),
                    org.assertj.core.api.Assertions.within(1e-12));
            assertThat(r.value(f.column("cosine"))).isBetween(-1.0, 1.0);
        }
    }

    @Test
    void weightsStudyAndSampleSweepHaveTheirRows() {
        ResultTable w = report.weightsStudyTable().orElseThrow();
        assertThat(w.columns()).containsExactly("FP32", "BatchNorm folded", "BatchNorm kept");
        assertThat(w.rows()).extracting(ResultTable.Row::label).containsExactly("per-channel", "per-tensor");
        assertThat(w.rows()).allSatisfy(r -> assertThat(r.values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0)));
        // it studies the weights with the best method's activations: the smallest drop, the first of a tie
        ResultTable f = report.fidelity();
        int best = 0;
        for (int i = 1; i < f.rows().size(); i++) {
            if (f.rows().get(i).value(1) < f.rows().get(best).value(1)) {
                best = i;
            }
        }
        // drops that differ, so the worst method's title would fail (a tie, as max and percentile here, goes first)
        assertThat(f.rows().stream().map(r -> r.value(1)).distinct().count()).isGreaterThan(1);
        assertThat(w.title()).contains("(" + f.rows().get(best).label() + " activations");
        // per-channel with BatchNorm folded is the quantizer's default: that method's own model and score
        assertThat(w.rows().get(0).value(1)).isEqualTo(f.rows().get(best).value(0));
        ResultTable s = report.samplesSweepTable().orElseThrow();
        assertThat(s.rows()).extracting(ResultTable.Row::label).containsExactly("16");
        assertThat(s.columns()).isEqualTo(report.methods().columns());
        assertThat(s.rows()).allSatisfy(r -> assertThat(r.value(0)).isEqualTo(report.methods().rows().get(0).value(0)));
    }

    /**
     * Steps beyond the data would repeat the last row on the same samples; the sweep stops at the data's end, also
     * when a step asked for exactly the samples there are, and runs its steps in ascending order whatever the order
     * given (a large first step used to end the sweep at once).
     */
    @Test
    void theSampleSweepStopsWhereTheCalibrationDataEnds() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("sweep"));
        Path file = TestModels.ppocrClassifier(folder);
        OnnxModel model = OnnxModel.load(file);
        float[] pixels = new float[20 * 3 * 48 * 192];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat() * 2 - 1;
        }
        Path npy = folder.resolve("twenty.npy");
        NpyFile.write(npy, NpyArray.ofFloats(new long[] {20, 3, 48, 192}, pixels));
        DataOptions options = DataOptions.builder().batchSize(4).build();
        SampleSplit calibration = SampleSplit.of(npy, model.inputs(), options, true);
        SampleSplit evaluation = SampleSplit.of(null, model.inputs(), options.toBuilder().rotateHalf(true).build(),
                true);
        ComparisonSettings settings = new ComparisonSettings(List.of(MethodSpec.parse("max",
                CalibrationOptions.defaults())), QuantizationConfig.defaults(), StatisticsOptions.defaults()
                .withThreads(2), 8, List.of(64L, 8L, 20L, 16L, 32L), false, null);
        CandidateEvaluator evaluator = new CandidateEvaluator(file, Optional.empty(), EvaluationOptions.defaults()
                .withRunnerOptions(OrtRunnerOptions.defaults().withIntraOpThreads(2)), 4);
        ComparisonReport swept = new CalibratorComparison(model, settings, evaluator)
                .run(calibration::calibration, () -> evaluation.evaluation(0, 8)).report();
        assertThat(swept.samplesSweepTable().orElseThrow().rows()).extracting(ResultTable.Row::label)
                .containsExactly("8", "16", "20");
    }

    @Test
    void markdownAndJsonSayTheSame() {
        Path json = dir.resolve("comparison.json");
        report.write(json);
        ComparisonReport back = ComparisonReport.read(json);
        assertThat(back).isEqualTo(report);

        JsonNode root = JsonDocument.read(json).root();
        JsonNode row = root.get("methods").get("rows").get(0);
        String markdown = report.toMarkdown();
        StringBuilder line = new StringBuilder("| " + row.get("label").asText());
        row.get("values").forEach(v -> line.append(" | ").append(ResultTable.format(v.asDouble())));
        assertThat(markdown).contains(line.append(" |").toString());
        assertThat(markdown).contains("| model | FP32 | max | entropy | percentile-99.99 |");
        assertThat(Stream.of("per-channel", "per-tensor", "calibration samples")).allSatisfy(s ->
                assertThat(markdown).contains(s));
    }
}
