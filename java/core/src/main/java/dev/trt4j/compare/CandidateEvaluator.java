package dev.trt4j.compare;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.evaluate.Reference;
import dev.trt4j.evaluate.ReferenceOutputs;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.evaluate.TaskMetric;
import dev.trt4j.evaluate.TaskMetricFactory;
import dev.trt4j.onnx.OnnxFileLimit;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.ProgressPhases;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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
    /** The phase in which the reference runs alone over the data, its outputs kept for the passes after. */
    public static final String REFERENCE_PHASE = "Evaluating FP32";
    /** The phase label of a pass of candidates when the caller names none. */
    public static final String DEFAULT_PHASE = "Evaluating";
    /**
     * A candidate past this many bytes is worth keeping the reference's outputs for even in one pass: ONNX Runtime
     * reads it from a temporary file (the runner's threshold), and the reference's session beside it would hold
     * another copy of the weights.
     */
    static final long LARGE_CANDIDATE = OrtModelRunner.SPOOL_BYTES;

    private final Path reference;
    private final Optional<TaskKind> task;
    private final EvaluationOptions options;
    private final int passSize;
    /** The most bytes of candidates (serialized) one pass holds, unless one alone is larger. */
    private final long passBytes;
    /** The most heap the reference's kept outputs may take. */
    private final long keptBytes;
    /** Opens the reference's session (tests count the sessions). */
    private final Function<Path, OrtModelRunner> openReference;
    /** Told each pass over the data as a phase of its own. */
    private final ProgressPhases phases;

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

    /**
     * As the public constructor, with passes of at most {@code passBytes} of candidates and at most {@code keptBytes}
     * of the reference's outputs kept (tests lower them).
     */
    CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize,
                       long passBytes, long keptBytes) {
        this(reference, task, options, passSize, passBytes, keptBytes,
                p -> OrtModelRunner.open(p, options.runnerOptions()), ProgressPhases.NONE);
    }

    /** As the public constructor, with passes of at most {@code passBytes} of candidates (tests lower it). */
    CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize,
                       long passBytes) {
        // a quarter of the heap for the reference's outputs: the candidates and the models they are built from need
        // the rest
        this(reference, task, options, passSize, passBytes, Runtime.getRuntime().maxMemory() / 4);
    }

    private CandidateEvaluator(Path reference, Optional<TaskKind> task, EvaluationOptions options, int passSize,
                               long passBytes, long keptBytes, Function<Path, OrtModelRunner> openReference,
                               ProgressPhases phases) {
        this.openReference = Objects.requireNonNull(openReference, "openReference");
        this.phases = Objects.requireNonNull(phases, "phases");
        this.reference = Objects.requireNonNull(reference, "reference");
        this.task = Objects.requireNonNull(task, "task");
        this.options = Objects.requireNonNull(options, "options");
        if (passSize < 1) {
            throw new IllegalArgumentException("passSize must be at least 1, got " + passSize);
        }
        this.passSize = passSize;
        this.passBytes = passBytes;
        this.keptBytes = keptBytes;
    }

    /**
     * This evaluator, telling {@code phases} each pass over the data as a phase of its own, counted in samples: the
     * reference's pass that keeps its outputs ({@link #REFERENCE_PHASE}), then each pass of candidates, under the
     * label its caller gives ("pass 2 of 3" added where the candidates take several), begun before their sessions
     * open, which can take longer than the pass.
     */
    public CandidateEvaluator withProgress(ProgressPhases phases) {
        return new CandidateEvaluator(reference, task, options, passSize, passBytes, keptBytes, openReference,
                phases);
    }

    /** This evaluator, opening the reference's sessions with {@code open} (tests count them). */
    CandidateEvaluator withReferenceOpener(Function<Path, OrtModelRunner> open) {
        return new CandidateEvaluator(reference, task, options, passSize, passBytes, keptBytes, open, phases);
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
     * One result per candidate, in order; each pass reads a fresh source from {@code data} and closes it. Where the
     * candidates take more than one pass, or one is large, the reference runs once first and its outputs are kept
     * ({@link #judge}); a caller judging the same data in several calls should hold one {@link #judge} instead.
     *
     * @throws dev.trt4j.Trt4jException if a model cannot be loaded or run on the data
     */
    public List<EvaluationResult> evaluate(List<Candidate> candidates, Supplier<CalibrationDataSource> data) {
        return judge(data, 1).evaluate(candidates, DEFAULT_PHASE);
    }

    /**
     * A judge of candidates on {@code data} over any number of calls, which keeps the reference's outputs from its
     * first pass where the study takes more than one pass in all.
     *
     * @param passes the passes over the data the caller expects to make in all (its calls may each take more)
     */
    public StudyJudge judge(Supplier<CalibrationDataSource> data, int passes) {
        return new StudyJudge(this, data, passes > 1);
    }

    /**
     * Whether judging {@code candidates} is worth keeping the reference's outputs for, though the study expects one
     * pass: they take several passes, or one is large enough that the reference's session beside it costs memory
     * worth saving (its copy of the weights, past the size ONNX Runtime reads from a temporary file).
     */
    boolean worthKeeping(List<Candidate> candidates) {
        return passes(candidates).size() > 1
                || candidates.stream().anyMatch(c -> OnnxFileLimit.serializedSize(c.model()) > LARGE_CANDIDATE);
    }

    /** The most heap the reference's kept outputs may take. */
    long keptBytes() {
        return keptBytes;
    }

    /** Runs the reference over {@code data} and keeps its outputs, or empty where they would not fit. */
    Optional<ReferenceOutputs> keepReference(Supplier<CalibrationDataSource> data) {
        ProgressListener progress = phases.begin(REFERENCE_PHASE, -1);
        try (OrtModelRunner ref = openReference.apply(reference);
             CalibrationDataSource source = data.get()) {
            progress.progress(0, source.sampleCount().orElse(-1L));
            return ReferenceOutputs.keep(ref, source, options.withProgress(progress), keptBytes);
        }
    }

    /** Judges {@code candidates} in passes against the reference's kept outputs, each pass a phase {@code label}. */
    List<EvaluationResult> evaluate(List<Candidate> candidates, ReferenceOutputs kept,
                                    Supplier<CalibrationDataSource> data, String label) {
        List<EvaluationResult> results = new ArrayList<>();
        List<List<Candidate>> passes = passes(candidates);
        for (int i = 0; i < passes.size(); i++) {
            results.addAll(evaluatePass(kept, passes.get(i), data, phase(label, i, passes.size())));
        }
        return results;
    }

    /**
     * Judges {@code candidates} in passes, the reference run beside them in each (as before outputs were kept), each
     * pass a phase {@code label}.
     */
    List<EvaluationResult> evaluateLive(List<Candidate> candidates, Supplier<CalibrationDataSource> data,
                                        String label) {
        List<EvaluationResult> results = new ArrayList<>();
        if (candidates.isEmpty()) {
            return results;
        }
        List<List<Candidate>> passes = passes(candidates);
        // begun before the reference opens: its session is part of the first pass's wait
        String first = phase(label, 0, passes.size());
        ProgressListener firstProgress = phases.begin(first, -1);
        try (OrtModelRunner ref = openReference.apply(reference)) {
            for (int i = 0; i < passes.size(); i++) {
                ProgressListener progress = i == 0 ? firstProgress : phases.begin(phase(label, i, passes.size()), -1);
                results.addAll(evaluatePass(Reference.live(ref, options.feedback()), passes.get(i), data, progress));
            }
        }
        return results;
    }

    /** The label of pass {@code index} of {@code count}: each pass counts the samples from 0 again. */
    private static String phase(String label, int index, int count) {
        return count == 1 ? label : label + " (pass " + (index + 1) + " of " + count + ")";
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

    private List<EvaluationResult> evaluatePass(Reference ref, List<Candidate> pass,
                                                Supplier<CalibrationDataSource> data, String label) {
        return evaluatePass(ref, pass, data, phases.begin(label, -1));
    }

    private List<EvaluationResult> evaluatePass(Reference ref, List<Candidate> pass,
                                                Supplier<CalibrationDataSource> data, ProgressListener progress) {
        List<OrtModelRunner> runners = new ArrayList<>();
        try (CalibrationDataSource source = data.get()) {
            // the count before the sessions open, which on a large model takes longer than the pass
            progress.progress(0, source.sampleCount().orElse(-1L));
            for (Candidate c : pass) {
                // a model past 256 MiB reaches ONNX Runtime through a temporary file, one past 2 GiB with external data
                runners.add(OrtModelRunner.open(c.model(), c.name(), options.runnerOptions()));
            }
            Optional<TaskMetric> metric = task.map(k -> TaskMetricFactory.create(k, ref.inputs(), ref.outputs(),
                    source, options.ctcKeys(), options.pooling()));
            return Evaluator.evaluate(ref, runners, source, metric, options.withProgress(progress));
        } finally {
            runners.forEach(OrtModelRunner::close);
        }
    }
}
