package dev.trt4j.benchmark;

import dev.trt4j.timing.TimingSettings;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One benchmark run.
 *
 * @param file    the ONNX model or TensorRT engine
 * @param batch   samples per query, set as the first dimension of every input; 0 = from {@code shapes} or the
 *                model (1 where the model leaves it open)
 * @param shapes  concrete shapes by input name, trtexec's {@code --shapes} (the batch, when given, replaces their
 *                first dimension)
 * @param inputs  what the inputs hold
 * @param timing  warm-up, iterations, duration, percentiles and GPU switches
 * @param threads CPU backends: threads for one inference (0 = one per available processor); GPU backends ignore it
 */
public record BenchmarkRequest(Path file, int batch, Map<String, long[]> shapes, BenchInputs inputs,
                               TimingSettings timing, int threads) {
    /**
     * Copies the shapes.
     *
     * @param file the ONNX model or TensorRT engine
     * @param batch samples per query, set as the first dimension of every input; 0 = from {@code shapes} or the
     *        model (1 where the model leaves it open)
     * @param shapes concrete shapes by input name, trtexec's {@code --shapes} (the batch, when given, replaces their
     *        first dimension)
     * @param inputs what the inputs hold
     * @param timing warm-up, iterations, duration, percentiles and GPU switches
     * @param threads CPU backends: threads for one inference (0 = one per available processor); GPU backends ignore it
     * @throws IllegalArgumentException if {@code batch} or {@code threads} is negative
     */
    public BenchmarkRequest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(timing, "timing");
        if (batch < 0) {
            throw new IllegalArgumentException("batch must not be negative, got " + batch);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative, got " + threads);
        }
        Map<String, long[]> copy = new LinkedHashMap<>();
        shapes.forEach((name, dims) -> copy.put(name, dims.clone()));
        shapes = Collections.unmodifiableMap(copy);
    }

    /** The thread count a CPU backend uses: {@link #threads()}, or the available processors when 0. */
    public int cpuThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
