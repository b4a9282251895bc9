package dev.trt4j.benchmark;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineServices;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds {@link BenchmarkBackend}s with {@link ServiceLoader}. */
public final class BenchmarkBackends {
    private BenchmarkBackends() {
    }

    /** Every backend on the class path. */
    public static List<BenchmarkBackend> all() {
        List<BenchmarkBackend> backends = new ArrayList<>();
        ServiceLoader.load(BenchmarkBackend.class, BenchmarkBackends.class.getClassLoader()).forEach(backends::add);
        return backends;
    }

    /**
     * The backend named {@code name}, available on this machine.
     *
     * @throws InvalidOptionException naming the known backends, for a name none has
     * @throws Trt4jException saying why the named one cannot run here
     */
    public static BenchmarkBackend named(String name) {
        List<BenchmarkBackend> backends = all();
        for (BenchmarkBackend b : backends) {
            if (b.name().equals(name)) {
                b.availability().orThrow();
                return b;
            }
        }
        if (name.equals("tensorrt")) {
            // the words build uses, so both commands name the driver too when it is missing
            throw EngineServices.missingBackend();
        }
        throw unknown(name, backends);
    }

    /**
     * Checks that some backend is called {@code name} ({@code tensorrt} always is, built or not) without asking
     * whether it can run here: a misspelt name is a usage error before any file is read.
     *
     * @throws InvalidOptionException naming the known backends, for a name none has
     */
    public static void requireKnown(String name) {
        List<BenchmarkBackend> backends = all();
        if (!name.equals("tensorrt") && backends.stream().noneMatch(b -> b.name().equals(name))) {
            throw unknown(name, backends);
        }
    }

    private static InvalidOptionException unknown(String name, List<BenchmarkBackend> backends) {
        boolean tensorRtBuilt = backends.stream().anyMatch(b -> b.name().equals("tensorrt"));
        return new InvalidOptionException("unknown backend '" + name + "'; available: "
                + backends.stream().map(BenchmarkBackend::name).collect(Collectors.joining(", "))
                + (tensorRtBuilt ? "" : ", and tensorrt with trt4j built with -Pgpu"));
    }
}
