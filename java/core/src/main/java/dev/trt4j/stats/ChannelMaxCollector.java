package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Max |x| of each channel (axis 1) of chosen tensors over a data set, from one ONNX Runtime pass over the FP32
 * model (graph optimisations off, as for calibration). Not thread-safe.
 */
public final class ChannelMaxCollector {
    private final OnnxModel model;
    private final List<String> tensors;

    /** @param tensorNames activations of {@code model} of rank ≥ 2 */
    public ChannelMaxCollector(OnnxModel model, List<String> tensorNames) {
        this.model = model;
        this.tensors = List.copyOf(tensorNames);
    }

    /**
     * Runs the model over {@code source} and returns each tensor's per-channel max |x|.
     *
     * @throws Trt4jException if the data gives no samples, or a tensor has rank < 2 or a changing channel count
     */
    public Map<String, float[]> collect(CalibrationDataSource source, OrtRunnerOptions options) {
        Map<String, float[]> max = new LinkedHashMap<>();
        if (tensors.isEmpty()) {
            return max;
        }
        long samples = 0;
        try (OrtModelRunner runner = OrtModelRunner.open(model.withExtraOutputs(tensors), model.path().toString(),
                options.withGraphOptimizations(false))) {
            Optional<Batch> next;
            while ((next = source.next()).isPresent()) {
                runner.run(next.get(), tensors, (name, tensor) -> fold(max, name, tensor));
                samples += next.get().size();
            }
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples");
        }
        return max;
    }

    private static void fold(Map<String, float[]> max, String name, HostTensor tensor) {
        long[] shape = tensor.shape();
        if (shape.length < 2) {
            throw new Trt4jException("tensor '" + name + "' has rank " + shape.length + "; channels need rank >= 2");
        }
        int channels = Math.toIntExact(shape[1]);
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner = Math.multiplyExact(inner, Math.toIntExact(shape[d]));
        }
        float[] m = max.computeIfAbsent(name, k -> new float[channels]);
        if (m.length != channels) {
            throw new Trt4jException("tensor '" + name + "' changed from " + m.length + " to " + channels
                    + " channels");
        }
        float[] v = tensor.floats();
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            m[c] = Math.max(m[c], Math.abs(v[i]));
        }
    }
}
