package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds {@link InferenceBackend}s with {@link ServiceLoader}. */
final class InferenceBackends {
    private InferenceBackends() {
    }

    /** Every backend on the class path. */
    public static List<InferenceBackend> all() {
        List<InferenceBackend> backends = new ArrayList<>();
        ServiceLoader.load(InferenceBackend.class, InferenceBackends.class.getClassLoader()).forEach(backends::add);
        return backends;
    }

    /**
     * The backend named {@code name}, or when it is null the one that handles {@code file}.
     *
     * @throws Trt4jException naming the known backends when none fits
     */
    public static InferenceBackend select(Path file, String name) {
        List<InferenceBackend> backends = all();
        for (InferenceBackend b : backends) {
            if (name != null ? b.name().equals(name) : b.handles(file)) {
                return b;
            }
        }
        String known = backends.stream().map(InferenceBackend::name).collect(Collectors.joining(", "));
        throw new Trt4jException(name != null ? "unknown backend '" + name + "'; available: " + known
                : file + ": no backend runs this kind of file (expected .onnx, .engine or .plan; backends: " + known
                + ")");
    }
}
