package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.OutputComparison;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.NothingToQuantize;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.quantize.WeightGranularity;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.ProgressPhases;
import dev.trt4j.table.CalibrationTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Compares activation calibration methods on one model the way the quantization literature does: one statistics
 * pass over the calibration samples, then for every method its ranges → a Q/DQ INT8 model → the task metric on
 * held-out samples, against the FP32 model on the same samples. Optionally also the weights study (per-channel vs
 * per-tensor weights, BatchNorm folded or kept) and the metric against the number of calibration samples (the
 * statistics collected again for each count).
 */
public final class CalibratorComparison {
    private static final Logger LOG = LoggerFactory.getLogger(CalibratorComparison.class);
    private static final String FP32 = "FP32";
    /** The phases of the main comparison; the weights study's and each sweep step's are named after them. */
    static final String STATISTICS = "Collecting statistics";
    static final String RANGES = "Computing ranges";
    static final String QUANTIZING = "Quantizing";
    static final String EVALUATING = "Evaluating methods";
    /** A study's or a sweep step's own evaluation: its models are not the methods of the main table. */
    static final String EVALUATING_MODELS = "Evaluating";
    static final String WEIGHTS_STUDY = "Weights study";

    private final OnnxModel model;
    private final ComparisonSettings settings;
    private final CandidateEvaluator evaluator;
    private final ProgressPhases progress;

    /**
     * What a comparison produced.
     *
     * @param report     the tables
     * @param statistics the statistics of the main calibration pass
     * @param tables     every method's ranges from those statistics, by method label
     */
    public record Outcome(ComparisonReport report, ActivationStatistics statistics,
                          Map<String, CalibrationTable> tables) {
    }

    /**
     * @param model     the FP32 model to quantize: the one {@code evaluator} uses as its reference, or one computing the
     *                  same function (an equalized copy)
     * @param settings  what to compare
     * @param evaluator judges the quantized models
     */
    public CalibratorComparison(OnnxModel model, ComparisonSettings settings, CandidateEvaluator evaluator) {
        this(model, settings, evaluator, ProgressPhases.NONE);
    }

    private CalibratorComparison(OnnxModel model, ComparisonSettings settings, CandidateEvaluator evaluator,
                                 ProgressPhases progress) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * This comparison, telling {@code progress} each of its phases and how far it has got: the statistics pass (in
     * samples), the methods' ranges and their quantized models (in methods), the reference's pass where its outputs
     * are kept and each pass judging the candidates (in samples), then the same for the weights study and each
     * step of the sample sweep, whose labels say which they belong to.
     */
    public CalibratorComparison withProgress(ProgressPhases progress) {
        return new CalibratorComparison(model, settings, evaluator.withProgress(progress), progress);
    }

    /**
     * Runs the comparison.
     *
     * @param calibration opens the first {@code n} calibration samples
     * @param evaluation  opens the evaluation samples, none of them a calibration sample
     * @throws dev.trt4j.Trt4jException if the model cannot be calibrated, quantized or run on the data
     */
    public Outcome run(LongFunction<CalibrationDataSource> calibration, Supplier<CalibrationDataSource> evaluation) {
        List<String> tensors = requiredTensors();
        ActivationStatistics statistics = collect(tensors, settings.calibrationSamples(), calibration, "");
        Map<String, CalibrationTable> tables = tables(statistics, "");
        List<String> labels = new ArrayList<>(tables.keySet());
        LOG.info("evaluating {} methods on {}", labels.size(), modelName());
        CandidateCorrection finish = finishing(settings.calibrationSamples(), calibration);
        // the methods' passes, the weights study's and one per sweep step: the reference runs once for them all
        int passes = (labels.size() + evaluator.passSize() - 1) / evaluator.passSize()
                + (settings.weightsStudy() ? 1 : 0) + settings.sampleSweep().size();
        StudyJudge judge = evaluator.judge(evaluation, passes);
        List<EvaluationResult> results = judge.evaluate(candidates(tables, settings.config(), finish, ""),
                EVALUATING);
        List<TaskScore> scores = results.stream().map(TaskScore::of).toList();
        TaskScore first = scores.get(0);
        ResultTable methods = new ResultTable("INT8 " + first.metric() + " by activation calibration method",
                "model", withFp32(labels), List.of(new ResultTable.Row(modelName(), cells(scores))));
        ResultTable fidelity = fidelity(labels, results, scores);
        EvaluationResult any = results.get(0);
        ComparisonReport report = new ComparisonReport(modelName(), model.sha256(), first.metric(),
                first.higherIsBetter(), statistics.dataDescription(), statistics.samples(), any.data(),
                any.samples(), describe(settings.config()), methods, fidelity, null, null);
        ResultTable weights = null;
        if (settings.weightsStudy()) {
            // the method the report names best, ties broken as it breaks them
            MethodSpec method = settings.studyMethod() != null ? settings.studyMethod()
                    : settings.methods().get(report.bestMethod().map(labels::indexOf).filter(i -> i >= 0).orElse(0));
            weights = weightsStudy(method, statistics, judge, finish);
        }
        ResultTable sweep = settings.sampleSweep().isEmpty() ? null : samplesSweep(tensors, calibration, judge);
        report = new ComparisonReport(report.model(), report.modelSha256(), report.metric(), report.higherIsBetter(),
                report.calibrationData(), report.calibrationSamples(), report.evaluationData(),
                report.evaluationSamples(), report.quantization(), methods, fidelity, weights, sweep);
        return new Outcome(report, statistics, tables);
    }

    /** The union of the tensors every configuration to be run needs ranges for, in graph order. */
    private List<String> requiredTensors() {
        Set<String> tensors = new LinkedHashSet<>();
        for (QuantizationConfig c : configs()) {
            tensors.addAll(new QdqQuantizer(c).requiredActivations(model.proto()));
        }
        NothingToQuantize.check(model.path(), model.proto(), settings.config(), tensors);
        return List.copyOf(tensors);
    }

    private List<QuantizationConfig> configs() {
        List<QuantizationConfig> configs = new ArrayList<>(List.of(settings.config()));
        if (settings.weightsStudy()) {
            for (WeightGranularity g : WeightGranularity.values()) {
                configs.add(variant(g, true));
                configs.add(variant(g, false));
            }
        }
        return configs;
    }

    private QuantizationConfig variant(WeightGranularity granularity, boolean fold) {
        return settings.config().toBuilder().weightGranularity(granularity).foldBatchNorm(fold).build();
    }

    /**
     * One statistics pass over {@code samples} calibration samples, a phase of its own.
     *
     * @param step {@link #sweepStep}'s prefix of the phase's label, or "" for the main comparison
     */
    private ActivationStatistics collect(List<String> tensors, long samples,
                                         LongFunction<CalibrationDataSource> calibration, String step) {
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(model, tensors,
                settings.statistics().withMaxSamples(samples));
        ProgressListener listener = progress.begin(phase(step, STATISTICS), samples > 0 ? samples : -1);
        ActivationStatistics s = collector.collect(() -> calibration.apply(samples), listener);
        LOG.info("statistics of {} tensors over {} samples of {}", s.tensors().size(), s.samples(),
                s.dataDescription());
        return s;
    }

    /**
     * Every method's ranges, a phase of its own: entropy and MSE search every tensor's histogram, seconds on a
     * large model.
     */
    private Map<String, CalibrationTable> tables(ActivationStatistics statistics, String step) {
        Map<String, CalibrationTable> tables = new LinkedHashMap<>();
        List<MethodSpec> methods = settings.methods();
        ProgressListener listener = progress.begin(phase(step, RANGES), methods.size());
        for (MethodSpec m : methods) {
            tables.put(m.label(), AmaxTableCalculator.compute(statistics, m, model.path(), settings.statistics()));
            listener.progress(tables.size(), methods.size());
        }
        return tables;
    }

    /** Every method's quantized (and corrected) model, a phase of its own. */
    private List<Candidate> candidates(Map<String, CalibrationTable> tables, QuantizationConfig config,
                                       CandidateCorrection finish, String step) {
        List<Candidate> candidates = new ArrayList<>();
        ProgressListener listener = progress.begin(phase(step, QUANTIZING), tables.size());
        tables.forEach((label, t) -> {
            candidates.add(quantize(label, config, t, finish));
            listener.progress(candidates.size(), tables.size());
        });
        return candidates;
    }

    /**
     * A phase's label within {@code step} ("" for the main comparison): {@code "Weights study: quantizing"} for
     * {@code "Quantizing"} in the weights study.
     */
    private static String phase(String step, String label) {
        return step.isEmpty() ? label : step + ": " + label.toLowerCase(Locale.ROOT);
    }

    /** The prefix of a sweep step's phases, e.g. {@code "Sweep 64"}. */
    private static String sweepStep(long samples) {
        return "Sweep " + samples;
    }

    private Candidate quantize(String name, QuantizationConfig config, CalibrationTable table,
                               CandidateCorrection finish) {
        ModelProto quantized = new QdqQuantizer(config).quantize(model.proto(), table.amaxByTensor()).model();
        return new Candidate(name, finish.apply(quantized));
    }

    /**
     * What turns a quantized model into a candidate: with {@link ComparisonSettings#biasCorrection()}, bias
     * correction on the same {@code samples} calibration samples its ranges came from; else nothing.
     */
    private CandidateCorrection finishing(long samples, LongFunction<CalibrationDataSource> calibration) {
        return CandidateCorrection.biasCorrection(settings.biasCorrection(), () -> calibration.apply(samples),
                OrtRunnerOptions.defaults().withIntraOpThreads(settings.statistics().threads()));
    }

    private static List<String> withFp32(List<String> labels) {
        List<String> columns = new ArrayList<>(List.of(FP32));
        columns.addAll(labels);
        return columns;
    }

    private static List<Double> cells(List<TaskScore> scores) {
        List<Double> cells = new ArrayList<>(List.of(scores.get(0).reference()));
        scores.forEach(s -> cells.add(s.candidate()));
        return cells;
    }

    private ResultTable fidelity(List<String> labels, List<EvaluationResult> results, List<TaskScore> scores) {
        OutputComparison firstOutput = results.get(0).outputs().get(0);
        String output = firstOutput.output();
        boolean top1 = firstOutput.top1Agreement() != null;
        List<String> columns = new ArrayList<>(List.of(scores.get(0).metric(), "drop", "cosine", "SNR dB"));
        if (top1) {
            columns.add("top-1 agreement");
        }
        List<ResultTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            OutputComparison o = results.get(i).outputs().get(0);
            List<Double> values = new ArrayList<>(List.of(scores.get(i).candidate(), scores.get(i).drop(),
                    o.cosine(), o.snrDb()));
            if (top1) {
                values.add(o.top1Agreement());
            }
            rows.add(new ResultTable.Row(labels.get(i), values));
        }
        return new ResultTable("INT8 against FP32 on output '" + output + "'", "method", columns, rows);
    }

    private ResultTable weightsStudy(MethodSpec method, ActivationStatistics statistics,
                                     StudyJudge judge, CandidateCorrection finish) {
        WeightGranularity[] granularities = WeightGranularity.values();
        // its one table is quick beside the models: one phase, counted in models
        ProgressListener listener = progress.begin(phase(WEIGHTS_STUDY, QUANTIZING), 2L * granularities.length);
        CalibrationTable table = AmaxTableCalculator.compute(statistics, method, model.path(), settings.statistics());
        List<Candidate> candidates = new ArrayList<>();
        for (WeightGranularity g : granularities) {
            candidates.add(quantize(granularity(g) + ", BatchNorm folded", variant(g, true), table, finish));
            candidates.add(quantize(granularity(g) + ", BatchNorm kept", variant(g, false), table, finish));
            listener.progress(candidates.size(), 2L * granularities.length);
        }
        LOG.info("weights study with {} activations on {}", method.label(), modelName());
        List<TaskScore> scores = judge.evaluate(candidates, phase(WEIGHTS_STUDY, EVALUATING_MODELS)).stream()
                .map(TaskScore::of).toList();
        List<ResultTable.Row> rows = new ArrayList<>();
        for (int g = 0; g < granularities.length; g++) {
            rows.add(new ResultTable.Row(granularity(granularities[g]), List.of(scores.get(0).reference(),
                    scores.get(2 * g).candidate(), scores.get(2 * g + 1).candidate())));
        }
        return new ResultTable("INT8 " + scores.get(0).metric() + " by weight granularity and BatchNorm folding ("
                + method.label() + " activations, " + settings.config().weightCalibrator().label() + " weights)",
                "weights", List.of(FP32, "BatchNorm folded", "BatchNorm kept"), rows);
    }

    private ResultTable samplesSweep(List<String> tensors, LongFunction<CalibrationDataSource> calibration,
                                     StudyJudge judge) {
        List<ResultTable.Row> rows = new ArrayList<>();
        String metric = null;
        long previous = -1;
        // in ascending order: the rows read as a curve, and running out of data ends the sweep, not a step of it
        for (long n : settings.sampleSweep().stream().sorted().toList()) {
            String step = sweepStep(n);
            ActivationStatistics statistics = collect(tensors, n, calibration, step);
            if (statistics.samples() == previous) {
                // the data ran out at the previous step: this one would repeat its row on the same samples
                LOG.warn("--samples-sweep: the calibration data holds {} samples, not {}; the sweep stops there",
                        statistics.samples(), n);
                break;
            }
            previous = statistics.samples();
            List<Candidate> candidates = candidates(tables(statistics, step), settings.config(),
                    finishing(n, calibration), step);
            List<TaskScore> scores = judge.evaluate(candidates, phase(step, EVALUATING_MODELS)).stream()
                    .map(TaskScore::of).toList();
            metric = scores.get(0).metric();
            rows.add(new ResultTable.Row(Long.toString(statistics.samples()), cells(scores)));
            if (statistics.samples() < n) {
                // every larger step would run on the same samples and repeat this row
                LOG.warn("--samples-sweep: the calibration data holds {} samples, not {}; the sweep stops there",
                        statistics.samples(), n);
                break;
            }
        }
        List<String> labels = settings.methods().stream().map(MethodSpec::label).toList();
        return new ResultTable("INT8 " + metric + " by number of calibration samples", "calibration samples",
                withFp32(labels), rows);
    }

    private static String granularity(WeightGranularity g) {
        return g.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private String describe(QuantizationConfig c) {
        int excluded = c.excludedNodes().size() + c.excludedOpTypes().size() + c.excludedPatterns().size();
        BiasCorrection.Choice bias = settings.biasCorrection();
        boolean ort = c.target() == QuantizationTarget.ONNXRUNTIME_CPU;
        return (ort ? "ONNX Runtime CPU layout (" + (c.reduceRange() ? "7-bit" : "8-bit") + " weights"
                + (c.skipDepthwise() ? ", depthwise Convs FP32" : "") + (c.dynamic().isEmpty() ? "" : ", dynamic "
                + "MatMuls") + "), " : "")
                + granularity(c.weightGranularity()) + " " + c.weightCalibrator().label() + " weights, BatchNorm "
                + (c.foldBatchNorm() ? "folded" : "kept") + ", operators " + String.join("/", c.opTypes())
                + (excluded > 0 ? ", " + excluded + " exclusions" : "")
                + (bias != null ? ", bias correction (" + bias.label() + ")" : "");
    }

    private String modelName() {
        return model.path().getFileName().toString();
    }
}
