package dev.trt4j.evaluate;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.StateCarrier;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtErrorText;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.quantize.Fp16Emulation;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a reference model and one or more candidates (e.g. FP32 and its INT8 or FP16 versions) with ONNX Runtime
 * on the same samples, and compares every output of the reference ({@link OutputComparison}) plus, where there
 * is one, the task metric ({@link TaskMetric}). One batch at a time is held, so memory does not grow with the
 * number of samples. Several candidates are run in one pass over the data, the reference once per batch, or not at
 * all where its outputs were kept from an earlier pass ({@link ReferenceOutputs}).
 */
public final class Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private Evaluator() {
    }

    /**
     * Compares {@code candidate} with {@code reference} on {@code data}.
     *
     * @param data    samples opened for the reference model's inputs; read to the end, not closed
     * @param task    the task metric; empty = {@link TaskMetricFactory#detect detect} one when
     *                {@link EvaluationOptions#detectTask()}, else none
     * @throws Trt4jException if a model cannot be loaded or run on the data, the candidate lacks an output of the
     *                        reference, an output's shapes differ, or the data has no samples
     */
    public static EvaluationResult evaluate(Path reference, Path candidate, CalibrationDataSource data,
                                            Optional<TaskMetric> task, EvaluationOptions options) {
        return evaluate(reference, List.of(candidate), data, task, options).get(0);
    }

    /**
     * As {@link #evaluate(Path, Path, CalibrationDataSource, Optional, EvaluationOptions)}, for each candidate.
     *
     * @throws IllegalArgumentException if there is no candidate
     */
    public static List<EvaluationResult> evaluate(Path reference, List<Path> candidates, CalibrationDataSource data,
                                                  Optional<TaskMetric> task, EvaluationOptions options) {
        requireCandidates(candidates);
        List<OrtModelRunner> runners = new ArrayList<>();
        try (OrtModelRunner ref = open(reference, options)) {
            for (Path c : candidates) {
                runners.add(open(c, options));
            }
            return evaluate(ref, runners, data, task, options);
        } finally {
            runners.forEach(OrtModelRunner::close);
        }
    }

    /**
     * Opens a model file as the path-taking {@code evaluate} methods do: a model that computes in FP16 runs through
     * {@link Fp16Emulation} when {@link EvaluationOptions#emulateFp16()}.
     *
     * @throws Trt4jException if the file is missing or ONNX Runtime cannot load it
     */
    public static OrtModelRunner open(Path model, EvaluationOptions options) {
        if (options.emulateFp16() && Files.isRegularFile(model)) {
            OnnxModel onnx = loadQuietly(model);
            ModelProto emulated = onnx == null ? null : Fp16Emulation.emulate(onnx.proto(), onnx.elementTypes());
            if (emulated != null && emulated != onnx.proto()) {
                requireLoadsAsWritten(model, onnx);
                LOG.info("{} computes in FP16: emulating its FP16 rounding, which ONNX Runtime's CPU would skip "
                        + "for operators without FP16 kernels", model.getFileName());
                return OrtModelRunner.open(emulated, model, options.runnerOptions());
            }
        }
        try {
            return OrtModelRunner.open(model, options.runnerOptions());
        } catch (Trt4jException e) {
            requireTrt4jReads(model);
            throw e;
        }
    }

    /**
     * The next batch, unless the thread was interrupted (a cancelled job): the evaluation then stops between batches,
     * keeping the interrupt.
     */
    static Optional<Batch> nextUnlessInterrupted(CalibrationDataSource data, String reference, long samples) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Trt4jException(reference + ": interrupted while evaluating, after " + samples
                    + " samples of " + data.describe());
        }
        return data.next();
    }

    /**
     * After ONNX Runtime refused {@code model}: what trt4j's own reading of it finds wrong (a truncated file, a
     * weight whose data does not fit its shape, a missing external data file, an opset newer than ONNX Runtime
     * supports), in the words every other command uses instead of ONNX Runtime's internal text. Reading the model
     * costs nothing on the path that works.
     *
     * @throws Trt4jException naming the model and what is wrong with it
     */
    private static void requireTrt4jReads(Path model) {
        if (!Files.isRegularFile(model)) {
            return;
        }
        OnnxModel onnx = OnnxModel.load(model);
        OperatorCheck.require(onnx.proto(), model.getFileName().toString(), "evaluate runs it");
    }

    /**
     * The emulation rewrites every FP16 node to FP32, which would hide a model ONNX Runtime refuses as written (an
     * FP16 tensor where an operator takes only float32): the model itself must load, without optimisations.
     */
    private static void requireLoadsAsWritten(Path model, OnnxModel onnx) {
        try {
            OrtRuntime.requireLoads(onnx.proto().toByteArray(), onnx.externalDataFolder().orElse(null));
        } catch (OrtException e) {
            throw new Trt4jException(model + ": ONNX Runtime cannot load the model: " + OrtErrorText.of(e.getMessage()),
                    e);
        }
    }

    /**
     * The inputs to feed {@code candidate} when it has only some of the reference's (the others held at constants
     * inside it, as {@code convert --fix-input} does), else null: it takes the reference's samples as they are.
     */
    private static Set<String> heldInside(Reference reference, OrtModelRunner candidate) {
        Set<String> own = new java.util.LinkedHashSet<>();
        candidate.inputs().forEach(in -> own.add(in.name()));
        List<String> referenceInputs = reference.inputs().stream().map(TensorSpec::name).toList();
        List<String> held = referenceInputs.stream().filter(n -> !own.contains(n)).toList();
        if (held.isEmpty() || !referenceInputs.containsAll(own)) {
            return null;
        }
        LOG.info("{}: has no input {} (held inside it, as convert --fix-input does); it is fed the reference's "
                + "other inputs", candidate.name(), String.join(", ", held));
        return own;
    }

    /** Running the reference over all the data for no candidate would be a silent waste of the caller's time. */
    private static void requireCandidates(List<?> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: no candidate model");
        }
    }

    /** The model with external data inlined, or null when trt4j cannot read it (ONNX Runtime then reports). */
    private static OnnxModel loadQuietly(Path model) {
        try {
            return OnnxModel.load(model);
        } catch (Trt4jException e) {
            return null;
        }
    }

    /**
     * As {@link #evaluate(Path, Path, CalibrationDataSource, Optional, EvaluationOptions)}, for each candidate,
     * with models the caller has opened (e.g. from bytes held in memory) and closes; {@link
     * EvaluationOptions#runnerOptions()} is not used.
     *
     * @throws IllegalArgumentException if there is no candidate
     */
    public static List<EvaluationResult> evaluate(OrtModelRunner reference, List<OrtModelRunner> candidates,
                                                  CalibrationDataSource data, Optional<TaskMetric> task,
                                                  EvaluationOptions options) {
        Objects.requireNonNull(options, "options");
        return evaluate(Reference.live(reference, options.feedback()), candidates, data, task, options);
    }

    /**
     * The reference's outputs must hold one trt4j compares.
     *
     * @throws Trt4jException naming the reference and the outputs of types trt4j does not compare
     */
    static void requireComparableOutputs(OrtModelRunner reference) {
        if (reference.outputs().isEmpty() && !reference.unreadableOutputs().isEmpty()) {
            throw noComparableOutput(reference.name(), reference.unreadableOutputs());
        }
    }

    private static Trt4jException noComparableOutput(String reference, Set<String> unreadable) {
        String skipped = unreadable.stream().map(o -> "'" + o + "'").collect(Collectors.joining(", "));
        return new Trt4jException(reference + ": no output to compare: " + skipped
                + (unreadable.size() == 1 ? " is of a type" : " are of types")
                + " trt4j does not compare (it compares float32, float16, int64 and int32 tensors)");
    }

    /**
     * As {@link #evaluate(OrtModelRunner, List, CalibrationDataSource, Optional, EvaluationOptions)}, against a
     * reference run beside the candidates ({@link Reference#live}) or its outputs kept from an earlier pass over the
     * same data ({@link ReferenceOutputs}); {@code reference} serves this one pass.
     *
     * @throws IllegalArgumentException if there is no candidate
     * @throws Trt4jException           as the other {@code evaluate} methods, or if the data is not what the kept
     *                                  outputs were kept on
     */
    public static List<EvaluationResult> evaluate(Reference reference, List<OrtModelRunner> candidates,
                                                  CalibrationDataSource data, Optional<TaskMetric> task,
                                                  EvaluationOptions options) {
        requireCandidates(candidates);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        List<String> outputs = reference.outputs().stream().map(TensorSpec::name).toList();
        if (!reference.unreadableOutputs().isEmpty()) {
            String skipped = reference.unreadableOutputs().stream().map(o -> "'" + o + "'")
                    .collect(Collectors.joining(", "));
            if (outputs.isEmpty()) {
                throw noComparableOutput(reference.name(), reference.unreadableOutputs());
            }
            LOG.warn("{}: not compared: output(s) {}, of types trt4j does not compare (float32, float16, int64 and "
                    + "int32 are)", reference.name(), ControlCharacters.escape(skipped));
        }
        for (OrtModelRunner c : candidates) {
            List<String> have = c.outputs().stream().map(TensorSpec::name).toList();
            for (String o : outputs) {
                if (!have.contains(o)) {
                    throw new Trt4jException(c.name() + ": the candidate has no output '" + o
                            + "' of the reference; its outputs are " + have);
                }
            }
        }
        Optional<TaskMetric> metric = task.isPresent() || !options.detectTask() ? task
                : TaskMetricFactory.detect(reference.inputs(), reference.outputs(), data, options.ctcKeys(),
                        options.pooling());
        metric.ifPresent(m -> LOG.debug("task metric: {}", m));

        List<Map<String, OutputComparator>> comparators = new ArrayList<>();
        List<TaskMetric.Tally> tallies = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Map<String, OutputComparator> byOutput = new LinkedHashMap<>();
            outputs.forEach(o -> byOutput.put(o, new OutputComparator(o)));
            comparators.add(byOutput);
            metric.ifPresent(m -> tallies.add(m.start()));
        }
        // Each model carries its own state (the reference's is carried by the Reference): a candidate's errors then
        // accumulate along the stream as they would in deployment.
        List<StateCarrier> candidateStates = new ArrayList<>();
        List<Set<String>> candidateInputs = new ArrayList<>();
        for (OrtModelRunner c : candidates) {
            candidateStates.add(options.feedback().start(c.name(), c.inputs(), c.outputs()));
            candidateInputs.add(heldInside(reference, c));
        }
        long total = data.sampleCount().orElse(-1L);
        long samples = 0;
        int batches = 0;
        for (Optional<Batch> next = nextUnlessInterrupted(data, reference.name(), samples); next.isPresent();
             next = nextUnlessInterrupted(data, reference.name(), samples)) {
            Batch batch = next.get();
            batch.requireBatchDimension(data.describe(), reference.inputs());
            batch.requireFinite(data.describe(), samples);
            TokenMask mask;
            try {
                mask = TokenMask.of(batch, samples).orElse(null);
            } catch (Trt4jException e) {
                throw e.prefixed(data.describe() + ": ");
            }
            Map<String, HostTensor> expected = reference.outputsOn(batch, batches++, data.describe());
            for (int i = 0; i < candidates.size(); i++) {
                StateCarrier state = candidateStates.get(i);
                Set<String> fed = candidateInputs.get(i);
                Batch forCandidate = fed == null ? batch : new Batch(batch.size(), batch.inputs().entrySet().stream()
                        .filter(e -> fed.contains(e.getKey())).collect(LinkedHashMap::new,
                                (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll), batch.streamStarts());
                Map<String, HostTensor> actual = candidates.get(i).run(state.feed(forCandidate), outputs);
                state.keepAll(actual);
                for (Map.Entry<String, OutputComparator> e : comparators.get(i).entrySet()) {
                    try {
                        e.getValue().add(expected.get(e.getKey()), actual.get(e.getKey()), mask);
                    } catch (Trt4jException mismatch) {
                        // the comparator knows the output, not the files: name them, candidate first (the likely
                        // culprit), reference after
                        throw mismatch.prefixed(candidates.get(i).name() + " (against " + reference.name() + "): ");
                    }
                }
                if (metric.isPresent()) {
                    tallies.get(i).add(batch, samples, expected, actual);
                }
            }
            samples += batch.size();
            options.progress().progress(samples, total);
        }
        if (samples == 0) {
            throw new Trt4jException(data.describe() + ": no samples to evaluate");
        }
        reference.requireBatches(batches, data.describe());
        if (!options.feedback().isEmpty() && batches == 1 && samples > 1) {
            // a one-chunk evaluation is legal, but it judged a model that no deployed stream runs: said, not refused
            dev.trt4j.data.DataWarnings.warn(LOG, data.describe() + ": --feedback carries state from one batch to "
                    + "the next, and this evaluation had one batch (of " + samples + " samples), so every sample saw "
                    + "the zero state; give a smaller --batch, or more samples than one batch");
        }
        List<EvaluationResult> results = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            List<OutputComparison> compared = comparators.get(i).values().stream().map(OutputComparator::result)
                    .toList();
            TaskResult taskResult = metric.isPresent() ? tallies.get(i).result() : null;
            EvaluationResult r = new EvaluationResult(reference.name(), candidates.get(i).name(),
                    options.feedback().describe(data.describe()), samples, compared, taskResult);
            LOG.info("{} vs {} on {} samples: {}", r.candidate(), r.reference(), samples, summary(r));
            results.add(r);
        }
        return results;
    }

    private static String summary(EvaluationResult r) {
        StringBuilder s = new StringBuilder();
        for (OutputComparison o : r.outputs()) {
            s.append(String.format(Locale.ROOT, "%s cosine %.6f SNR %.1f dB; ", o.output(), o.cosine(), o.snrDb()));
        }
        r.taskResult().ifPresent(t -> s.append(String.format(Locale.ROOT,
                "%s %s %.4f (reference %.4f)", t.task(), t.primary(),
                t.candidateScore(), t.referenceScore())));
        return s.toString().strip();
    }
}
