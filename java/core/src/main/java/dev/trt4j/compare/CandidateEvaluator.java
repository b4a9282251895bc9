package dev.trt4j.compare;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.evaluate.TaskMetric;
import dev.trt4j.evaluate.TaskMetricFactory;
import dev.trt4j.onnx.OnnxFileLimit;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.stats.ProgressListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Judges in-memory candidates against the FP32 reference model on the same evaluation samples with {@link
 * Evaluator}, several candidates per pass over the data so that the reference runs (and the samples are read)
 * once per batch for all of them. At most {@code passSize} candidate sessions are open at a time, which bounds
 * memory when many candidates (one per layer, say) are judged, and at most 2 GiB of candidates: each session holds
 * its own copy of the weights, so a candidate past 2 GiB (spooled to ONNX Runtime as a temporary copy with external
 * data) is judged alone.
 */
public final class CandidateEvaluator {
    /** Candidates judged in one pass unless told otherwise. */
    public static final int DEFAULT_PASS_SIZE = 8;

    private final Path reference;
    private final Optional<TaskKind> task;
    private final EvaluationOptions options;
    private final int passSize;
    /** The most bytes of candidates (serialized) one pass holds, unless one alone is larger. */
    private final long passBytes;

    /**
     * @param reference the FP32 model file
     * @param task      the task metric to use; empty = the one {@link TaskMetricFactory#detect} finds (if
     *                  {@link EvaluationOptions#detectTask()}), else the outputs' cosine alone
     * @param options   how the models run
     * @param passSize  candidates per pass, at least 1
     */
    public CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize) {
        // 2 GiB: eight candidates of a small model as before; a model past 2 GiB, which has no bytes and is spooled
        // with external data, alone
        this(reference, task, options, passSize, Integer.MAX_VALUE);
    }

    /** As the public constructor, with passes of at most {@code passBytes} of candidates (tests lower it). */
    CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize,
                       long passBytes) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.task = Objects.requireNonNull(task, "task");
        this.options = Objects.requireNonNull(options, "options");
        if (passSize < 1) {
            throw new IllegalArgumentException("passSize must be at least 1, got " + passSize);
        }
        this.passSize = passSize;
        this.passBytes = passBytes;
    }

    /** This evaluator, telling {@code progress} the samples of each pass over the data as they are judged. */
    public CandidateEvaluator withProgress(ProgressListener progress) {
        return new CandidateEvaluator(reference, task, options.withProgress(progress), passSize, passBytes);
    }

    /** Candidates judged per pass over the data. */
    public int passSize() {
        return passSize;
    }

    /** The reference model file. */
    public Path reference() {
        return reference;
    }

    /**
     * One result per candidate, in order; each pass reads a fresh source from {@code data} and closes it.
     *
     * @throws dev.trt4j.Trt4jException if a model cannot be loaded or run on the data
     */
    public List<EvaluationResult> evaluate(List<Candidate> candidates, Supplier<CalibrationDataSource> data) {
        List<EvaluationResult> results = new ArrayList<>();
        if (candidates.isEmpty()) {
            return results;
        }
        try (OrtModelRunner ref = OrtModelRunner.open(reference, options.runnerOptions())) {
            for (List<Candidate> pass : passes(candidates)) {
                results.addAll(evaluatePass(ref, pass, data));
            }
        }
        return results;
    }

    /**
     * {@code candidates} in order, cut into passes of at most {@code passSize} and at most {@code passBytes} of models
     * (serialized), but at least one: a model of a few hundred megabytes takes fewer companions, and one past 2 GiB
     * is judged alone, since every open session holds its own copy of the weights.
     */
    List<List<Candidate>> passes(List<Candidate> candidates) {
        List<List<Candidate>> passes = new ArrayList<>();
        List<Candidate> pass = new ArrayList<>();
        for (Candidate c : candidates) {
            if (!fits(pass, c)) {
                passes.add(pass);
                pass = new ArrayList<>();
            }
            pass.add(c);
        }
        if (!pass.isEmpty()) {
            passes.add(pass);
        }
        return passes;
    }

    /**
     * Whether {@code next} joins {@code pass} (always, where the pass is empty), so that a caller building candidates
     * one by one holds no more of them than a pass judges: those of a model past 2 GiB each hold new weights.
     */
    public boolean fits(List<Candidate> pass, Candidate next) {
        if (pass.isEmpty()) {
            return true;
        }
        if (pass.size() >= passSize) {
            return false;
        }
        long bytes = OnnxFileLimit.serializedSize(next.model());
        for (Candidate c : pass) {
            bytes += OnnxFileLimit.serializedSize(c.model());
        }
        return bytes <= passBytes;
    }

    /** Convenience for one candidate. */
    public EvaluationResult evaluate(Candidate candidate, Supplier<CalibrationDataSource> data) {
        return evaluate(List.of(candidate), data).get(0);
    }

    private List<EvaluationResult> evaluatePass(OrtModelRunner ref, List<Candidate> pass,
                                                Supplier<CalibrationDataSource> data) {
        List<OrtModelRunner> runners = new ArrayList<>();
        try (CalibrationDataSource source = data.get()) {
            for (Candidate c : pass) {
                // a model past 256 MiB reaches ONNX Runtime through a temporary file, one past 2 GiB with external data
                runners.add(OrtModelRunner.open(c.model(), c.name(), options.runnerOptions()));
            }
            Optional<TaskMetric> metric = task.map(k -> TaskMetricFactory.create(k, ref.inputs(), ref.outputs(),
                    source, options.ctcKeys(), options.pooling()));
            return Evaluator.evaluate(ref, runners, source, metric, options);
        } finally {
            runners.forEach(OrtModelRunner::close);
        }
    }
}
