package dev.trt4j.engine;

import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Map;

/**
 * Opens the sample batches of an INT8 build once the build knows the shapes it calibrates at. The build opens
 * the source only when it needs samples, after the GPU libraries were found, and closes it when it is done.
 */
@FunctionalInterface
public interface CalibrationSamples {
    /**
     * @param inputs  the model's inputs
     * @param outputs the model's outputs (they tell what kind of samples suit it, e.g. rendered text for an OCR
     *                model)
     * @param shapes the calibration shape of every input, batch dimension included (the calibration profile's
     *        opt shapes): each batch must have exactly these
     * @throws dev.trt4j.Trt4jException when the samples cannot be opened for these inputs
     */
    CalibrationDataSource open(List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, long[]> shapes);

    /**
     * Opens the samples for trt4j's own range pass on the CPU, whose batches need not have the calibration shapes:
     * text may be cut after its longest sentence there, as {@code calibrate} cuts it, so that the build's ranges
     * are calibrate's rather than ranges shaped by the profile's padding. By default, {@link #open}.
     *
     * @param shapes as for {@link #open}; a text length in them is the most a batch keeps
     */
    default CalibrationDataSource openForRanges(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                                Map<String, long[]> shapes) {
        return open(inputs, outputs, shapes);
    }
}
