package dev.trt4j.evaluate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TaskMetric}'s values for the reference and the candidate model.
 *
 * @param task           the metric's name
 * @param primary        the key of the value that sums the task up (e.g. {@code accuracy}); present in both maps
 * @param higherIsBetter whether a larger primary value is better
 * @param samples        number of samples measured
 * @param reference      values for the reference model, by name, in a stable order
 * @param candidate      values for the candidate model, by name, in a stable order
 */
public record TaskResult(String task, String primary, boolean higherIsBetter, long samples,
                         Map<String, Double> reference, Map<String, Double> candidate) {
    /**
     * Copies the maps, keeping their order.
     *
     * @param task the metric's name
     * @param primary the key of the value that sums the task up (e.g. {@code accuracy}); present in both maps
     * @param higherIsBetter whether a larger primary value is better
     * @param samples number of samples measured
     * @param reference values for the reference model, by name, in a stable order
     * @param candidate values for the candidate model, by name, in a stable order
     * @throws IllegalArgumentException if {@code primary} is missing from either map
     */
    public TaskResult {
        Objects.requireNonNull(task, "task");
        reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
        candidate = Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
        if (!reference.containsKey(primary) || !candidate.containsKey(primary)) {
            throw new IllegalArgumentException("primary value '" + primary + "' missing from " + reference.keySet()
                    + " or " + candidate.keySet());
        }
    }

    /** The primary value of the reference model. */
    public double referenceScore() {
        return reference.get(primary);
    }

    /** The primary value of the candidate model. */
    public double candidateScore() {
        return candidate.get(primary);
    }
}
