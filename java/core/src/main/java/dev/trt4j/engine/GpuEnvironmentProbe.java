package dev.trt4j.engine;

/**
 * Finds out what the GPU path has on this machine. Found with {@link java.util.ServiceLoader}; the
 * {@code trt4j-native} module provides one that loads the libraries, {@link LibraryFileProbe} is the
 * fallback that only looks for files.
 */
public interface GpuEnvironmentProbe {
    /** Which probe this is, for the report. */
    String name();

    /** Probes the machine. Never throws and never crashes the JVM: problems become missing components. */
    GpuEnvironment probe();
}
