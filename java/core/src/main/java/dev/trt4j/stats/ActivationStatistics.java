package dev.trt4j.stats;

import dev.trt4j.calibrators.TensorStatistics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one pass of the FP32 model over calibration data found about each calibrated tensor: everything any
 * calibration method needs, so methods can be compared without running the model again.
 *
 * @param tensors         statistics per tensor name, in the order the tensors were asked for
 * @param samples         samples the model ran on
 * @param batches         batches the model ran on
 * @param modelSha256     SHA-256 of the model file, to tie the statistics to the model they came from
 * @param dataDescription the data source's description
 */
public record ActivationStatistics(Map<String, TensorStatistics> tensors, long samples, long batches,
                                   String modelSha256, String dataDescription) {
    public ActivationStatistics {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(dataDescription, "dataDescription");
    }

    /** The statistics of one tensor, if it was calibrated. */
    public Optional<TensorStatistics> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }
}
