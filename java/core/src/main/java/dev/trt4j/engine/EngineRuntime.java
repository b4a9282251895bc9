package dev.trt4j.engine;

import java.nio.file.Path;

/**
 * Loads serialized engines and runs them. Found with {@link java.util.ServiceLoader} (see
 * {@link EngineServices#engineRuntime()}); {@code trt4j-native} provides the JavaCPP implementation.
 */
public interface EngineRuntime {
    /** A short name, e.g. {@code tensorrt-javacpp}. */
    String name();

    /** Whether engines can run on this machine. Never throws. */
    Availability availability();

    /**
     * Opens an engine file after checking its sidecar ({@link EngineCompatibility}).
     *
     * @return an open session; the caller closes it
     * @throws dev.trt4j.Trt4jException when the libraries are missing, the engine was built for another TensorRT
     *         version or GPU, or TensorRT cannot deserialize it
     */
    EngineSession open(Path engine);
}
