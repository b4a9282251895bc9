package dev.trt4j.compare;

import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.OutputComparison;
import dev.trt4j.evaluate.TaskResult;

/**
 * The one number a comparison ranks candidates by: the task metric's primary value where the evaluation had a task
 * (accuracy, exact match, mean cosine of sentence embeddings), else the cosine similarity of the first output.
 *
 * @param metric         the value's name, e.g. {@code accuracy} or {@code cosine(y)}
 * @param higherIsBetter whether a larger value is better
 * @param reference      the FP32 reference model's value
 * @param candidate      the candidate's value
 */
public record TaskScore(String metric, boolean higherIsBetter, double reference, double candidate) {

    /** The score of one evaluation. */
    public static TaskScore of(EvaluationResult result) {
        if (result.taskResult().isPresent()) {
            TaskResult t = result.taskResult().get();
            return new TaskScore(t.primary(), t.higherIsBetter(), t.referenceScore(), t.candidateScore());
        }
        OutputComparison first = result.outputs().get(0);
        return new TaskScore("cosine(" + first.output() + ")", true, 1.0, first.cosine()); // see isOutputCosine
    }

    /** Whether {@code metric} is the first output's cosine, the score of an evaluation without a task metric. */
    public static boolean isOutputCosine(String metric) {
        return metric.startsWith("cosine(");
    }

    /** How much worse the candidate is than the reference (negative when it is better). */
    public double drop() {
        return higherIsBetter ? reference - candidate : candidate - reference;
    }
}
