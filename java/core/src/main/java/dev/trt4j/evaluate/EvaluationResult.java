package dev.trt4j.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a candidate model compares with a reference model on the same samples.
 *
 * @param reference   names the reference model (its file, or the name it was opened under)
 * @param candidate   names the candidate model
 * @param data        what the samples were ({@link dev.trt4j.data.CalibrationDataSource#describe()})
 * @param samples     number of samples both models ran
 * @param outputs     one comparison per output of the reference model, in model order
 * @param task        the task metric's result, or null when there was none
 */
public record EvaluationResult(String reference, String candidate, String data, long samples,
                               List<OutputComparison> outputs, TaskResult task) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public EvaluationResult {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(candidate, "candidate");
        outputs = List.copyOf(outputs);
    }

    /** The task metric's result, if there was a task metric. */
    public Optional<TaskResult> taskResult() {
        return Optional.ofNullable(task);
    }

    /** The comparison of the output called {@code name}, if the reference model has one. */
    public Optional<OutputComparison> output(String name) {
        return outputs.stream().filter(o -> o.output().equals(name)).findFirst();
    }

    /**
     * This result as a JSON tree, fields named as the record components; an infinite SNR (equal outputs) is the
     * string {@code "Infinity"}, a missing top-1 agreement or task is null.
     */
    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }
}
