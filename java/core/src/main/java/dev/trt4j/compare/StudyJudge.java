package dev.trt4j.compare;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.ReferenceOutputs;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Judges a study's candidates on one evaluation set over any number of calls ({@link CandidateEvaluator#judge}).
 * Where the study takes more than one pass over the data, or a call's candidates do (or one is large), the reference
 * runs once over the data first, its session is closed, and every pass after judges against its kept outputs
 * ({@link ReferenceOutputs}): the reference's work is not repeated per pass, and a large model's weights are not held
 * by its session beside a candidate's. Otherwise, or where the outputs would not fit their share of the heap, the
 * reference runs beside the candidates in each pass, as it always did; the results are the same either way.
 */
public final class StudyJudge {
    private final CandidateEvaluator evaluator;
    private final Supplier<CalibrationDataSource> data;
    private final boolean severalPasses;
    private ReferenceOutputs kept;
    /** The outputs were too large to keep once: trying again would run the reference for nothing. */
    private boolean tooLarge;

    StudyJudge(CandidateEvaluator evaluator, Supplier<CalibrationDataSource> data, boolean severalPasses) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.data = Objects.requireNonNull(data, "data");
        this.severalPasses = severalPasses;
    }

    /**
     * One result per candidate, in order; each pass reads a fresh source from the data and closes it.
     *
     * @throws dev.trt4j.Trt4jException if a model cannot be loaded or run on the data, or the data reads other
     *                                  batches than it did for the reference's kept outputs
     */
    public List<EvaluationResult> evaluate(List<Candidate> candidates) {
        return evaluate(candidates, CandidateEvaluator.DEFAULT_PHASE);
    }

    /**
     * As {@link #evaluate(List)}, each pass over the data reported to the evaluator's progress as a phase
     * {@code label} (after {@link CandidateEvaluator#REFERENCE_PHASE}, where the reference's outputs are kept first).
     */
    public List<EvaluationResult> evaluate(List<Candidate> candidates, String label) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        if (kept == null && !tooLarge && (severalPasses || evaluator.worthKeeping(candidates))) {
            kept = evaluator.keepReference(data).orElse(null);
            tooLarge = kept == null;
        }
        return kept != null ? evaluator.evaluate(candidates, kept, data, label)
                : evaluator.evaluateLive(candidates, data, label);
    }

    /**
     * Whether {@code next} joins {@code pass} (always where the pass is empty), as {@link CandidateEvaluator#fits}
     * decides: a caller building candidates one by one holds no more of them than a pass judges.
     */
    public boolean fits(List<Candidate> pass, Candidate next) {
        return evaluator.fits(pass, next);
    }
}
