package dev.trt4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder under the system's temporary directory for files that a native library must write to disk before trt4j
 * reads them (an optimised model, a profile), deleted with everything in it on {@link #close()}, or by a shutdown
 * hook when the JVM is stopped first (a profile of a timed run is tens of MB). A file that cannot be deleted is left
 * behind rather than failing the caller, whose work is done by then.
 */
public final class TemporaryFolder implements AutoCloseable {
    private final Path path;
    private final Thread cleanupOnExit;

    private TemporaryFolder(Path path) {
        this.path = path;
        this.cleanupOnExit = ShutdownCleanup.hook(this::delete, "trt4j-temporary-folder-cleanup");
        try {
            ShutdownCleanup.register(cleanupOnExit);
        } catch (RuntimeException stopping) {
            delete();
            throw stopping;
        }
    }

    /**
     * Creates a new, empty folder whose name starts with {@code prefix}.
     *
     * @throws UncheckedIOException if it cannot be created
     */
    public static TemporaryFolder create(String prefix) {
        try {
            return new TemporaryFolder(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
        }
    }

    /** The folder. */
    public Path path() {
        return path;
    }

    /** Deletes the folder and what it holds, as far as it can. */
    @Override
    public void close() {
        delete();
        ShutdownCleanup.unregister(cleanupOnExit);
    }

    private synchronized void delete() {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary file is not worth failing the caller for
        }
    }
}
