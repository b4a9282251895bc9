package dev.trt4j.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds shared libraries by file name the way the dynamic linker would, without loading them: in
 * {@code LD_LIBRARY_PATH}, {@code java.library.path}, the usual system and CUDA folders, and the entries of
 * {@code /etc/ld.so.cache}. Loading a library to find out whether it exists can crash or hang in driver code;
 * looking for the file cannot.
 */
public final class NativeLibraryLocator {
    /** The CUDA driver library on Linux. */
    public static final String CUDA_DRIVER = "libcuda.so.1";
    /** The CUDA 13 runtime. */
    public static final String CUDA_RUNTIME = "libcudart.so.13";
    /** TensorRT 10's core library. */
    public static final String TENSORRT = "libnvinfer.so.10";
    /** TensorRT 10's ONNX parser. */
    public static final String ONNX_PARSER = "libnvonnxparser.so.10";

    private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            "/usr/local/cuda/lib64", "/usr/local/cuda/compat", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
            "/usr/lib/wsl/lib");

    private final List<Path> dirs;
    private final Optional<Path> ldCache;

    /** A locator over explicit folders and an optional {@code ld.so.cache} file. */
    public NativeLibraryLocator(List<Path> dirs, Optional<Path> ldCache) {
        this.dirs = List.copyOf(dirs);
        this.ldCache = ldCache;
    }

    /** The locator for this process: environment, Java library path, system folders and ld.so.cache. */
    public static NativeLibraryLocator system() {
        Set<Path> dirs = new LinkedHashSet<>();
        addPathList(dirs, System.getenv("LD_LIBRARY_PATH"));
        addPathList(dirs, System.getProperty("java.library.path"));
        SYSTEM_DIRS.forEach(d -> dirs.add(Path.of(d)));
        return new NativeLibraryLocator(new ArrayList<>(dirs), Optional.of(Path.of("/etc/ld.so.cache")));
    }

    /** This locator with {@code more} folders searched after its own. */
    public NativeLibraryLocator alsoIn(Collection<Path> more) {
        List<Path> all = new ArrayList<>(dirs);
        more.stream().filter(d -> !all.contains(d)).forEach(all::add);
        return new NativeLibraryLocator(all, ldCache);
    }

    /** The folders searched, in order. */
    public List<Path> dirs() {
        return dirs;
    }

    /** Where {@code fileName} is, or empty when neither a folder nor the linker cache has it. */
    public Optional<Path> find(String fileName) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return findInLinkerCache(fileName);
    }

    /**
     * The linker cache holds NUL-terminated strings, among them the absolute path of every library it knows;
     * a path ending in {@code /fileName} that still exists is a hit. Parsing the binary layout is not needed.
     */
    private Optional<Path> findInLinkerCache(String fileName) {
        if (ldCache.isEmpty() || !Files.isReadable(ldCache.get())) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(ldCache.get());
        } catch (IOException e) {
            return Optional.empty();
        }
        String suffix = "/" + fileName;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i - start > suffix.length() && bytes[start] == '/') {
                    String s = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
                    if (s.endsWith(suffix) && Files.isRegularFile(Path.of(s))) {
                        return Optional.of(Path.of(s));
                    }
                }
                start = i + 1;
            }
        }
        return Optional.empty();
    }

    private static void addPathList(Set<Path> dirs, String list) {
        if (list == null || list.isBlank()) {
            return;
        }
        for (String entry : list.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
    }
}
