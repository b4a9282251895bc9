package dev.trt4j.compare;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.evaluate.TaskMetric;
import dev.trt4j.evaluate.TaskMetricFactory;
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
 * memory when many candidates (one per layer, say) are judged.
 */
public final class CandidateEvaluator {
    /** Candidates judged in one pass unless told otherwise. */
    public static final int DEFAULT_PASS_SIZE = 8;

    private final Path reference;
    private final Optional<TaskKind> task;
    private final EvaluationOptions options;
    private final int passSize;

    /**
     * @param reference the FP32 model file
     * @param task      the task metric to use; empty = the one {@link TaskMetricFactory#detect} finds (if
     *                  {@link EvaluationOptions#detectTask()}), else the outputs' cosine alone
     * @param options   how the models run
     * @param passSize  candidates per pass, at least 1
     */
    public CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.task = Objects.requireNonNull(task, "task");
        this.options = Objects.requireNonNull(options, "options");
        if (passSize < 1) {
            throw new IllegalArgumentException("passSize must be at least 1, got " + passSize);
        }
        this.passSize = passSize;
    }

    /** This evaluator, telling {@code progress} the samples of each pass over the data as they are judged. */
    public CandidateEvaluator withProgress(ProgressListener progress) {
        return new CandidateEvaluator(reference, task, options.withProgress(progress), passSize);
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
            for (int from = 0; from < candidates.size(); from += passSize) {
                List<Candidate> pass = candidates.subList(from, Math.min(candidates.size(), from + passSize));
                results.addAll(evaluatePass(ref, pass, data));
            }
        }
        return results;
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
