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
 * memory when many candidates (one per layer, say) are judged; a candidate past 2 GiB is judged in a pass of its
 * own, since each session holds its own copy of the weights (gigabytes each) and reaches ONNX Runtime through a
 * temporary copy of as many gigabytes on disk.
 */
public final class CandidateEvaluator {
    /** Candidates judged in one pass unless told otherwise. */
    public static final int DEFAULT_PASS_SIZE = 8;

    private final Path reference;
    private final Optional<TaskKind> task;
    private final EvaluationOptions options;
    private final int passSize;
    /** A candidate larger than this, serialized, is judged alone. */
    private final long aloneBytes;

    /**
     * @param reference the FP32 model file
     * @param task      the task metric to use; empty = the one {@link TaskMetricFactory#detect} finds (if
     *                  {@link EvaluationOptions#detectTask()}), else the outputs' cosine alone
     * @param options   how the models run
     * @param passSize  candidates per pass, at least 1
     */
    public CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize) {
        // the 2 GiB one protobuf holds: a larger candidate has no bytes and is spooled with external data
        this(reference, task, options, passSize, Integer.MAX_VALUE);
    }

    /** As the public constructor, with candidates past {@code aloneBytes} judged alone (tests lower it). */
    CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize,
                       long aloneBytes) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.task = Objects.requireNonNull(task, "task");
        this.options = Objects.requireNonNull(options, "options");
        if (passSize < 1) {
            throw new IllegalArgumentException("passSize must be at least 1, got " + passSize);
        }
        this.passSize = passSize;
        this.aloneBytes = aloneBytes;
    }

    /** This evaluator, telling {@code progress} the samples of each pass over the data as they are judged. */
    public CandidateEvaluator withProgress(ProgressListener progress) {
        return new CandidateEvaluator(reference, task, options.withProgress(progress), passSize, aloneBytes);
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
     * {@code candidates} in order, cut into passes of at most {@code passSize}; one past {@code aloneBytes} gets a
     * pass of its own, so that no two sessions of such a model are open beside the reference's.
     */
    List<List<Candidate>> passes(List<Candidate> candidates) {
        List<List<Candidate>> passes = new ArrayList<>();
        List<Candidate> pass = new ArrayList<>();
        for (Candidate c : candidates) {
            if (OnnxFileLimit.serializedSize(c.model()) > aloneBytes) {
                if (!pass.isEmpty()) {
                    passes.add(pass);
                    pass = new ArrayList<>();
                }
                passes.add(List.of(c));
                continue;
            }
            pass.add(c);
            if (pass.size() == passSize) {
                passes.add(pass);
                pass = new ArrayList<>();
            }
        }
        if (!pass.isEmpty()) {
            passes.add(pass);
        }
        return passes;
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
