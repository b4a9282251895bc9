package dev.trt4j.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.Availability;
import dev.trt4j.io.AbsolutePaths;
import dev.trt4j.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The process-wide ONNX Runtime environment, with its native library loaded from a cache folder.
 *
 * <p>Left alone, ONNX Runtime Java unpacks its native library into a new {@code /tmp/onnxruntime-java*} folder
 * on every start. Before ONNX Runtime is first touched, this class extracts the libraries once into
 * {@code <cache>/onnxruntime-<version>/<platform>/} and points ONNX Runtime's {@code onnxruntime.native.path}
 * system property at that folder. {@code <cache>} is, in order: the {@code trt4j.cache.dir} system property,
 * {@code $XDG_CACHE_HOME/trt4j}, {@code $HOME/.cache/trt4j} (the JVM's {@code user.home} where {@code HOME} is unset;
 * a temporary folder where neither is an absolute path, as for a user ID without a passwd entry, whose
 * {@code user.home} is {@code ?}). If the user already set {@code onnxruntime.native.path},
 * it is left as it is. If the cache cannot be written, ONNX Runtime falls back to its own extraction (a warning is
 * logged).
 *
 * <p>Code in trt4j obtains the environment only through {@link #environment()}, so this always happens first.
 * Thread-safe.
 */
public final class OrtRuntime {
    /** System property naming trt4j's cache folder. */
    public static final String CACHE_DIR_PROPERTY = "trt4j.cache.dir";
    /** ONNX Runtime's system property for the folder its native libraries are loaded from. */
    public static final String ORT_NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
    /** ONNX Runtime's session setting for the folder a model given as bytes reads its external data from. */
    private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";
    private static OrtEnvironment environment;
    /** Stack for ONNX Runtime's start beyond what the command line needs. */
    private static final long START_STACK_BASE = 16L << 20;
    /**
     * Stack per byte of command line: 16 MB sufficed for 60 KB and not for 70 KB, 256 MB for 1 MB and 512 MB for
     * 1.95 MB (Linux's limit is about 2 MB), so about 256 bytes a byte; twice that, for a margin.
     */
    private static final long START_STACK_PER_BYTE = 512;
    /** A thread's stack is reserved address space, committed only as used: a large one costs nothing else. */
    private static final long START_STACK_MAX = 2L << 30;

    private OrtRuntime() {
    }

    /**
     * The shared ONNX Runtime environment, logging only fatal errors: every error also comes back as an exception,
     * which trt4j reports in one line, so ONNX Runtime's own coloured log line would only repeat it on stderr.
     * Never close it: ONNX Runtime allows one per process.
     *
     * @throws Trt4jException if the native library cannot be loaded
     */
    public static synchronized OrtEnvironment environment() {
        if (environment == null) {
            prepareNativeLibrary();
            try {
                environment = startOnLargeStack();
                removeEmptyTraceFile();
            } catch (RuntimeException | LinkageError e) {
                throw new Trt4jException("cannot start ONNX Runtime " + version() + ": " + reason(e), e);
            }
        }
        return environment;
    }

    /**
     * Why the start failed: an I/O failure in the chain of causes in the project's words, with the folder ONNX Runtime
     * extracts its library into (a missing {@code java.io.tmpdir} read "cannot start ONNX Runtime 1.29.0: null" or
     * "Failed to load onnx-runtime library"), else the first message in the chain (an
     * {@link ExceptionInInitializerError} has none).
     */
    static String reason(Throwable e) {
        // "Failed to load onnx-runtime library" wraps what actually failed: the folder it extracts the library into
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                String path = io instanceof FileSystemException f ? f.getFile() : null;
                return "cannot extract its native library"
                        + (path != null ? " to " + path : "") + " (java.io.tmpdir is "
                        + System.getProperty("java.io.tmpdir") + "): " + AtomicFiles.reason(io);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e.toString();
    }

    /**
     * Starts the environment on a thread of its own with a stack sized to the command line
     * ({@link #startStackBytes}): ONNX Runtime 1.29's start uses stack in proportion to the process's command line,
     * and a command line of about 4 KB (a long class path, a long --out) overflowed the main thread's default stack
     * into a bare segmentation fault.
     */
    private static OrtEnvironment startOnLargeStack() {
        OrtEnvironment[] started = new OrtEnvironment[1];
        Throwable[] failed = new Throwable[1];
        Thread starter = new Thread(null, () -> {
            try {
                started[0] = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "trt4j");
            } catch (Throwable e) { // handed to the caller's thread, which reports it: none may die here unseen
                failed[0] = e;
            }
        }, "trt4j-onnxruntime-start", startStackBytes(commandLineBytes()));
        starter.start();
        boolean interrupted = false;
        while (true) {
            try {
                starter.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the start cannot be abandoned half done: finish it, keep the interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failed[0] instanceof Error e) {
            throw e;
        }
        return started[0];
    }

    /** The stack ONNX Runtime's start gets for a command line of {@code commandLineBytes} bytes. */
    static long startStackBytes(long commandLineBytes) {
        long bytes = Math.max(0, commandLineBytes);
        return bytes >= (START_STACK_MAX - START_STACK_BASE) / START_STACK_PER_BYTE ? START_STACK_MAX
                : START_STACK_BASE + START_STACK_PER_BYTE * bytes;
    }

    /** The length of this process's command line; 0 where the system does not show it (it is then not read). */
    private static long commandLineBytes() {
        try {
            return Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * ONNX Runtime 1.29's native library creates an empty {@code /tmp/mat-debug-<pid>.log} in every process that
     * loads it and never writes to it, so each trt4j run would leave one behind (over a thousand in a day of
     * tests). An empty one is removed; one with content is ONNX Runtime's and is kept.
     */
    static void removeEmptyTraceFile() {
        Path trace = Path.of("/tmp", "mat-debug-" + ProcessHandle.current().pid() + ".log");
        try {
            if (Files.isRegularFile(trace) && Files.size(trace) == 0) {
                Files.delete(trace);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot remove {}: {}", trace, e.toString());
        }
    }

    /** Whether ONNX Runtime starts on this machine; if not, why (the message {@link #environment()} throws). */
    public static Availability availability() {
        try {
            environment();
            return Availability.yes();
        } catch (Trt4jException e) {
            return Availability.no(e.getMessage());
        }
    }

    /**
     * New session options, made only after {@link #environment()}: the options class loads ONNX Runtime's native
     * library as it initialises, from a new temporary folder unless the cache folder was set up first.
     */
    public static OrtSession.SessionOptions sessionOptions() {
        environment();
        return new OrtSession.SessionOptions();
    }

    /**
     * Opens a session on a serialized model with {@code options} at optimisation {@code level}: every trt4j session is
     * made here, so that a model ONNX Runtime would abort the process on at full optimisation
     * ({@link Float16FusionGuard}) is opened without the failing optimiser.
     *
     * @throws OrtException ONNX Runtime's refusal
     */
    public static OrtSession createSession(byte[] model, OrtSession.SessionOptions options,
                                           OrtSession.SessionOptions.OptLevel level) throws OrtException {
        options.setOptimizationLevel(level);
        if (level == OrtSession.SessionOptions.OptLevel.ALL_OPT) {
            Float16FusionGuard.apply(options, model);
        }
        return environment().createSession(model, options);
    }

    /** As {@link #createSession(byte[], OrtSession.SessionOptions, OrtSession.SessionOptions.OptLevel)}, for a model
     * file ONNX Runtime reads itself. */
    public static OrtSession createSession(Path model, OrtSession.SessionOptions options,
                                           OrtSession.SessionOptions.OptLevel level) throws OrtException {
        options.setOptimizationLevel(level);
        if (level == OrtSession.SessionOptions.OptLevel.ALL_OPT) {
            Float16FusionGuard.apply(options, model);
        }
        return environment().createSession(model.toString(), options);
    }

    /**
     * Has ONNX Runtime read the external data of a model given as bytes from {@code folder}, as it would from the
     * folder of a model file: the weights {@link dev.trt4j.onnx.OnnxModel} leaves in their files past 2 GiB.
     *
     * @throws OrtException ONNX Runtime's refusal
     */
    public static void readExternalDataFrom(OrtSession.SessionOptions options, Path folder) throws OrtException {
        options.addConfigEntry(EXTERNAL_DATA_FOLDER, folder.toAbsolutePath().toString());
    }

    /**
     * Has ONNX Runtime's loader judge {@code model}: a session without graph optimisations, on one thread, created
     * and closed. Nothing runs.
     *
     * @throws OrtException ONNX Runtime's refusal
     */
    public static void requireLoads(byte[] model) throws OrtException {
        requireLoads(model, null);
    }

    /**
     * As {@link #requireLoads(byte[])}, for a model some of whose tensors stay in data files in
     * {@code externalDataFolder} (null where none do).
     *
     * @throws OrtException ONNX Runtime's refusal
     */
    public static void requireLoads(byte[] model, Path externalDataFolder) throws OrtException {
        try (OrtSession.SessionOptions options = sessionOptions()) {
            options.setIntraOpNumThreads(1);
            if (externalDataFolder != null) {
                readExternalDataFrom(options, externalDataFolder);
            }
            createSession(model, options, OrtSession.SessionOptions.OptLevel.NO_OPT).close();
        }
    }

    /** The ONNX Runtime version of the jar on the class path ({@code "unknown"} if its manifest lacks one). */
    public static String version() {
        // A class literal does not initialise the class, so this does not load the native library.
        String v = OrtEnvironment.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** trt4j's cache folder (see the class comment). */
    public static Path cacheFolder() {
        return cacheFolder(System::getenv, System::getProperty, OrtRuntime::canHoldCache);
    }

    /**
     * {@link #cacheFolder()} with the environment and the system properties looked up by the functions given, and
     * {@code writable} saying whether a home can take a {@code .cache} folder.
     */
    static Path cacheFolder(UnaryOperator<String> environment, UnaryOperator<String> properties,
                            java.util.function.Predicate<Path> writable) {
        String configured = properties.apply(CACHE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            try {
                return Path.of(configured).toAbsolutePath();
            } catch (InvalidPathException e) {
                // asked for by name, so refused by name rather than passed over like an unusable HOME
                throw new Trt4jException("-D" + CACHE_DIR_PROPERTY + "=" + configured + ": not a folder name this "
                        + "system can use (" + e.getReason() + "); under a locale that is not UTF-8, such as "
                        + "LANG=C, a name with non-ASCII letters cannot be one");
            }
        }
        // the XDG spec ignores a relative XDG_CACHE_HOME; one Java cannot represent (LANG=C) is passed over too
        Optional<Path> xdg = AbsolutePaths.of(environment.apply("XDG_CACHE_HOME"));
        if (xdg.isPresent()) {
            return xdg.get().resolve("trt4j");
        }
        // $HOME first, as ONNX Runtime's own files and the user's shell go by it; user.home is the passwd entry's,
        // and "?" (a relative folder in the working directory) for a user ID without one (docker run -u 1234)
        // and docker run -u 1234 sets HOME=/, which that user cannot write
        for (String home : new String[] {environment.apply("HOME"), properties.apply("user.home")}) {
            Optional<Path> folder = AbsolutePaths.of(home).filter(writable);
            if (folder.isPresent()) {
                return folder.get().resolve(".cache").resolve("trt4j");
            }
        }
        return temporaryCacheFolder(properties);
    }

    /**
     * The cache folder of last resort, {@code trt4j-cache-<user>} in the temporary folder: for a user without a
     * usable home, and for callers that need a folder where the configured one is unusable.
     */
    public static Path temporaryCacheFolder() {
        return temporaryCacheFolder(System::getProperty);
    }

    private static Path temporaryCacheFolder(UnaryOperator<String> properties) {
        return Path.of(properties.apply("java.io.tmpdir"), "trt4j-cache-" + userLabel(properties.apply("user.name")));
    }

    /**
     * The user's name, or for a user ID without a passwd entry (Java's name "?") {@code uid} and the number: a
     * shared temporary folder named "?" would be taken by the first such user and unwritable to the next.
     */
    private static String userLabel(String name) {
        if (name != null && !name.isBlank() && !name.equals("?")) {
            return name;
        }
        try {
            // /proc/self belongs to the process's user ID (Linux, where containers run with bare IDs)
            return "uid" + Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return "unknown";
        }
    }

    /** Whether {@code home/.cache} exists writable, or {@code home} can take it. */
    private static boolean canHoldCache(Path home) {
        Path cache = home.resolve(".cache");
        return Files.isDirectory(cache) ? Files.isWritable(cache) : Files.isWritable(home);
    }

    /** The folder ONNX Runtime loads its native library from, if one is set. */
    public static Optional<Path> nativeLibraryFolder() {
        String p = System.getProperty(ORT_NATIVE_PATH_PROPERTY);
        return p == null ? Optional.empty() : Optional.of(Path.of(p));
    }

    private static void prepareNativeLibrary() {
        if (System.getProperty(ORT_NATIVE_PATH_PROPERTY) != null) {
            LOG.debug("Using ONNX Runtime native library from {} (set by the user)",
                    System.getProperty(ORT_NATIVE_PATH_PROPERTY));
            return;
        }
        try {
            new NativeLibraryCache(cacheFolder()).ensureExtracted(version()).ifPresent(folder -> {
                System.setProperty(ORT_NATIVE_PATH_PROPERTY, folder.toString());
                LOG.debug("Using ONNX Runtime native library from {}", folder);
            });
        } catch (Trt4jException e) {
            LOG.warn("{}; ONNX Runtime will unpack it into a temporary folder instead", e.getMessage());
        }
    }
}
