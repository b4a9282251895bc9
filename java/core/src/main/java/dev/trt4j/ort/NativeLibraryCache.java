package dev.trt4j.ort;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Extracts ONNX Runtime's native libraries from its jar once, into a folder per ONNX Runtime version, so that
 * later starts load them from there instead of unpacking about 30 MB into a fresh temporary folder each time.
 * Files are written atomically, so concurrent JVMs never load a half-written library.
 */
final class NativeLibraryCache {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryCache.class);

    /** Libraries ONNX Runtime loads from {@code onnxruntime.native.path}; the last is Windows-only. */
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared");

    private final Path root;

    NativeLibraryCache(Path root) {
        this.root = root;
    }

    /**
     * Makes sure the libraries for this platform are in the cache and returns their folder, or empty when the
     * ONNX Runtime jar has no libraries for this platform (ONNX Runtime then falls back to its own search).
     */
    Optional<Path> ensureExtracted(String ortVersion) {
        String platform = platform();
        String resourceFolder = "/ai/onnxruntime/native/" + platform + "/";
        Path folder = root.resolve("onnxruntime-" + ortVersion).resolve(platform);
        Optional<String> shared = PrivatePath.whyNot(folder);
        boolean temporary = shared.isPresent();
        if (temporary) {
            // another user could choose the library loaded from there: unpack into a folder only this user can use
            folder = privateTemporaryFolder(ortVersion);
            LOG.warn("{}: not used for ONNX Runtime's native library, since {}; unpacked into {} instead",
                    root, shared.get(), folder);
        }
        boolean any = false;
        for (String library : LIBRARIES) {
            String fileName = System.mapLibraryName(library).replace(".jnilib", ".dylib");
            URL resource = NativeLibraryCache.class.getResource(resourceFolder + fileName);
            if (resource == null) {
                continue;
            }
            any = true;
            Path target = folder.resolve(fileName);
            try {
                if (!isCurrent(target, resource)) {
                    LOG.debug("Extracting {} to {}", resource, target);
                    AtomicFiles.write(target, out -> {
                        try (InputStream in = resource.openStream()) {
                            in.transferTo(out);
                        }
                    });
                }
                if (temporary) {
                    target.toFile().deleteOnExit(); // before its folder, which was registered first
                }
            } catch (IOException e) {
                throw new Trt4jException(target + ": cannot extract ONNX Runtime's native library: " + e.getMessage(),
                        e);
            }
        }
        return any ? Optional.of(folder) : Optional.empty();
    }

    private static Path privateTemporaryFolder(String ortVersion) {
        try {
            // owner-only (0700) where the file system has POSIX permissions
            Path folder = Files.createTempDirectory("trt4j-onnxruntime-" + ortVersion + "-");
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new Trt4jException("cannot create a private folder for ONNX Runtime's native library: "
                    + e.getMessage(), e);
        }
    }

    /** A file of the resource's size is taken as extracted: files only ever appear whole (atomic rename). */
    private static boolean isCurrent(Path target, URL resource) throws IOException {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        try (InputStream ignored = connection.getInputStream()) {
            long expected = connection.getContentLengthLong();
            return expected < 0 || Files.size(target) == expected;
        }
    }

    /** ONNX Runtime's name for this platform, as used in its jar ({@code linux-x64}, {@code osx-aarch64}, ...). */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : os.contains("nux") ? "linux" : os;
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return osName + "-" + archName;
    }
}
