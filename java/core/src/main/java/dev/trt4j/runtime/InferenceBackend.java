package dev.trt4j.runtime;

import dev.trt4j.engine.Availability;

import java.nio.file.Path;

/**
 * A way to run models, found with {@link java.util.ServiceLoader}: ONNX Runtime on the CPU ({@code onnxruntime},
 * in trt4j-core) and TensorRT engines ({@code tensorrt}, needs trt4j-native). A new backend is a class implementing
 * this, a {@link LoadedModel} and an {@link ExecutionContext}, plus a line in
 * {@code META-INF/services/dev.trt4j.runtime.InferenceBackend}.
 */
public interface InferenceBackend {
    /** The backend's name, e.g. {@code onnxruntime}; what {@link InferenceOptions#backend()} selects. */
    String name();

    /** Whether this backend is the natural one for {@code file} (e.g. by extension). Never throws. */
    boolean handles(Path file);

    /** Whether the backend can run on this machine, and if not, why. Never throws. */
    Availability availability();

    /**
     * Loads a model or engine once; the caller closes it.
     *
     * @throws dev.trt4j.Trt4jException when the file is missing, unreadable, built for another runtime or GPU, or
     *                                  the backend is unavailable
     */
    LoadedModel load(Path file, InferenceOptions options);
}
