package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.OutputComparison;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationResult;
import dev.trt4j.stats.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Partial quantization by sensitivity, as the quantization literature recommends: quantize one layer at a time
 * (every other layer FP32, through exclusions), measure how much the task metric drops, rank the layers; then keep
 * the most sensitive ones in FP32 until the model's drop is within a target. A layer is a node the quantizer
 * quantizes (Conv, Gemm, MatMul, …, as the configuration says).
 *
 * <p>With a {@link CandidateCorrection}, every model judged (fully quantized, one layer, partial) and the partial
 * model returned are corrected as the user's pipeline would be, so that the ranking and the skip list are those of
 * the model that is shipped. A candidate with no layer to correct (a lone MatMul without a bias Add under
 * {@code conv} scope, say) is judged as quantized.
 */
public final class SensitivityAnalysis {
    private static final Logger LOG = LoggerFactory.getLogger(SensitivityAnalysis.class);

    private final ModelProto model;
    private final Map<String, Float> activationAmax;
    private final QuantizationConfig config;
    private final CandidateCorrection correction;
    private final CandidateEvaluator evaluator;
    private final Supplier<CalibrationDataSource> data;
    /** Judges every candidate of the ranking and the search on {@link #data}, the reference run once for them all. */
    private final StudyJudge judge;
    private final QuantizationResult full;
    private final Map<String, String> opTypes = new HashMap<>();

    /**
     * The layers ranked, and the fully quantized model's score.
     *
     * @param fullyQuantized    the metric with every layer in INT8
     * @param layers            most sensitive first ({@link LayerSensitivity#MOST_SENSITIVE_FIRST})
     * @param evaluationData    what the models were evaluated on, as the evaluator describes it
     * @param evaluationSamples how many samples they were evaluated on
     */
    public record Ranking(TaskScore fullyQuantized, List<LayerSensitivity> layers, String evaluationData,
                          long evaluationSamples) {
        public Ranking {
            Objects.requireNonNull(fullyQuantized, "fullyQuantized");
            Objects.requireNonNull(evaluationData, "evaluationData");
            layers = List.copyOf(layers);
        }
    }

    /**
     * An analysis of the models as quantized, with no correction.
     *
     * @param model          the FP32 model (the one {@code evaluator} uses as its reference)
     * @param activationAmax activation ranges covering every tensor the fully quantized model needs
     * @param config         how every layer is quantized; its exclusions stay excluded throughout
     * @param evaluator      judges the candidates
     * @param evaluationData opens the evaluation samples, once per pass
     * @throws dev.trt4j.Trt4jException if the model cannot be quantized with these ranges
     */
    public SensitivityAnalysis(ModelProto model, Map<String, Float> activationAmax, QuantizationConfig config,
                               CandidateEvaluator evaluator, Supplier<CalibrationDataSource> evaluationData) {
        this(model, activationAmax, config, CandidateCorrection.none(), evaluator, evaluationData);
    }

    /**
     * An analysis whose every candidate is corrected by {@code correction} before it is judged. The fully
     * quantized model is corrected here, so that a correction that cannot run fails before the long ranking.
     *
     * @param model          the FP32 model (the one {@code evaluator} uses as its reference)
     * @param activationAmax activation ranges covering every tensor the fully quantized model needs
     * @param config         how every layer is quantized; its exclusions stay excluded throughout
     * @param correction     applied to every candidate; for bias correction, on the samples the ranges came from
     * @param evaluator      judges the candidates
     * @param evaluationData opens the evaluation samples, once per pass
     * @throws dev.trt4j.Trt4jException if the model cannot be quantized with these ranges, or the correction
     *                                  finds nothing to correct in the fully quantized model or cannot run
     */
    public SensitivityAnalysis(ModelProto model, Map<String, Float> activationAmax, QuantizationConfig config,
                               CandidateCorrection correction, CandidateEvaluator evaluator,
                               Supplier<CalibrationDataSource> evaluationData) {
        this.model = Objects.requireNonNull(model, "model");
        this.activationAmax = Map.copyOf(activationAmax);
        this.config = Objects.requireNonNull(config, "config");
        this.correction = Objects.requireNonNull(correction, "correction");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.data = Objects.requireNonNull(evaluationData, "evaluationData");
        // Strict here, as in quantize and compare-calibrators: asking to correct a model with nothing to correct
        // is a mistake worth one clear error.
        this.full = correction.apply(new QdqQuantizer(config).quantize(model, activationAmax));
        // the fully quantized model's pass and the layers' passes at least
        int layers = full.report().quantizedNodes().size();
        this.judge = evaluator.judge(data, 1 + (layers + evaluator.passSize() - 1) / evaluator.passSize());
        GraphProto g = model.getGraph();
        for (int i = 0; i < g.getNodeCount(); i++) {
            String name = g.getNode(i).getName();
            opTypes.put(name.isEmpty() ? g.getNode(i).getOpType() + "#" + i : name, g.getNode(i).getOpType());
        }
    }

    /** The model with every layer quantized, corrected as every candidate is. */
    public QuantizationResult fullyQuantized() {
        return full;
    }

    /** What is applied to every candidate before it is judged. */
    public CandidateCorrection correction() {
        return correction;
    }

    /** The layers, in graph order. */
    public List<String> layers() {
        return full.report().quantizedNodes();
    }

    /** Quantizes each layer alone and ranks them, most sensitive first. */
    public Ranking rank() {
        return rank(ProgressListener.NONE);
    }

    /**
     * As {@link #rank()}, telling {@code progress} the layers measured so far (the fully quantized model counts as
     * one), after every pass over the data.
     */
    public Ranking rank(ProgressListener progress) {
        List<String> layers = layers();
        progress.progress(0, layers.size() + 1);
        EvaluationResult fullResult = judge.evaluate(List.of(new Candidate("all layers INT8", full.model()))).get(0);
        TaskScore fullScore = TaskScore.of(fullResult);
        LOG.info("all {} layers INT8: {} {} (FP32 {})", layers.size(), fullScore.metric(), fullScore.candidate(),
                fullScore.reference());
        progress.progress(1, layers.size() + 1);
        List<LayerSensitivity> ranked = new ArrayList<>();
        List<EvaluationResult> results = evaluateInPasses(layers.size(), progress, i -> {
            QuantizationConfig.Builder only = config.toBuilder();
            layers.stream().filter(l -> !l.equals(layers.get(i))).forEach(only::excludeNode);
            return new Candidate(layers.get(i), quantize(only.build()).model());
        });
        for (int i = 0; i < layers.size(); i++) {
            TaskScore s = TaskScore.of(results.get(i));
            OutputComparison o = results.get(i).outputs().get(0);
            ranked.add(new LayerSensitivity(layers.get(i), opTypes.getOrDefault(layers.get(i), ""), s.candidate(),
                    s.drop(), o.cosine(), o.snrDb()));
        }
        ranked.sort(LayerSensitivity.MOST_SENSITIVE_FIRST);
        return new Ranking(fullScore, ranked, fullResult.data(), fullResult.samples());
    }

    /**
     * Keeps the first 0, 1, 2, … layers of {@code ranking} in FP32 until the drop against FP32 is at most
     * {@code targetDrop}; several skip counts are judged per pass over the data. At least one layer stays INT8: where
     * no such model reaches the target, the result is not reached and holds the one that keeps all but the least
     * sensitive layer.
     *
     * @param targetDrop largest acceptable drop in the metric's units (e.g. 0.01 for one point of accuracy), ≥ 0
     */
    public PartialQuantization keepWithin(double targetDrop, Ranking ranking) {
        return keepWithin(targetDrop, ranking, ProgressListener.NONE);
    }

    /**
     * {@link #keepWithin(double, Ranking)}, telling {@code progress} how many skip counts of the most it could try are
     * judged (the search usually stops earlier).
     */
    public PartialQuantization keepWithin(double targetDrop, Ranking ranking, ProgressListener progress) {
        if (!(targetDrop >= 0)) {
            throw new IllegalArgumentException("target drop must be >= 0, got " + targetDrop);
        }
        List<String> order = ranking.layers().stream().map(LayerSensitivity::node).toList();
        TaskScore fullScore = ranking.fullyQuantized();
        List<PartialQuantization.Step> steps = new ArrayList<>(List.of(
                new PartialQuantization.Step(0, null, fullScore.candidate(), fullScore.drop())));
        if (fullScore.drop() <= targetDrop) {
            return new PartialQuantization(targetDrop, List.of(), fullScore, true, steps, full);
        }
        int pass = evaluator.passSize();
        QuantizationResult lastModel = full;
        // Keeping every layer in FP32 would be the FP32 model, no partial INT8 one: at least one layer stays INT8.
        int mostKept = order.size() - 1;
        for (int from = 1; from <= mostKept; from += pass) {
            int to = Math.min(mostKept, from + pass - 1);
            // The judged models are kept (one pass's worth) and the chosen one is returned as judged: a corrected
            // model is not made twice, and what is written is exactly what was scored.
            List<QuantizationResult> models = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            for (int k = from; k <= to; k++) {
                QuantizationResult m = quantize(skipping(order.subList(0, k)));
                models.add(m);
                candidates.add(new Candidate("skip " + k, m.model()));
            }
            List<EvaluationResult> results = judge.evaluate(candidates);
            progress.progress(to, mostKept);
            for (int k = from; k <= to; k++) {
                TaskScore s = TaskScore.of(results.get(k - from));
                steps.add(new PartialQuantization.Step(k, order.get(k - 1), s.candidate(), s.drop()));
                LOG.info("{} layers FP32 (last {}): {} {}, drop {}", k, order.get(k - 1), s.metric(), s.candidate(),
                        s.drop());
                if (s.drop() <= targetDrop) {
                    return new PartialQuantization(targetDrop, order.subList(0, k), s, true, steps,
                            models.get(k - from));
                }
            }
            lastModel = models.get(models.size() - 1);
        }
        PartialQuantization.Step last = steps.get(steps.size() - 1);
        TaskScore lastScore = new TaskScore(fullScore.metric(), fullScore.higherIsBetter(), fullScore.reference(),
                last.score());
        return new PartialQuantization(targetDrop, order.subList(0, Math.max(0, mostKept)), lastScore, false, steps,
                lastModel);
    }

    private QuantizationConfig skipping(List<String> layers) {
        QuantizationConfig.Builder b = config.toBuilder();
        layers.forEach(b::excludeNode);
        return b.build();
    }

    /** A candidate: {@code c}'s model, corrected where it has a layer to correct. */
    private QuantizationResult quantize(QuantizationConfig c) {
        return correction.applyWhereAny(new QdqQuantizer(c).quantize(model, activationAmax));
    }

    /**
     * Builds and judges {@code count} candidates, at most one pass's worth (and the next candidate) held in memory at
     * a time: a pass ends where {@link CandidateEvaluator#fits} says, which for a model past 2 GiB is one candidate.
     */
    private List<EvaluationResult> evaluateInPasses(int count, ProgressListener progress,
                                                    IntFunction<Candidate> candidate) {
        List<EvaluationResult> results = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Candidate next = candidate.apply(i);
            if (!evaluator.fits(candidates, next)) {
                judgePass(candidates, results, count, progress);
                candidates = new ArrayList<>();
            }
            candidates.add(next);
        }
        if (!candidates.isEmpty()) {
            judgePass(candidates, results, count, progress);
        }
        return results;
    }

    private void judgePass(List<Candidate> pass, List<EvaluationResult> results, int count,
                           ProgressListener progress) {
        results.addAll(judge.evaluate(pass));
        LOG.info("sensitivity: {} of {} layers measured", results.size(), count);
        progress.progress(results.size() + 1, count + 1);
    }
}
