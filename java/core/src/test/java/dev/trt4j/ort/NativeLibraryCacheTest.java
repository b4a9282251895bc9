package dev.trt4j.ort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLibraryCacheTest {
    @TempDir
    Path dir;

    @Test
    void extractsOncePerVersionAndReusesTheFiles() throws Exception {
        NativeLibraryCache cache = new NativeLibraryCache(dir);

        Path folder = cache.ensureExtracted("9.9.9").orElseThrow();

        assertThat(folder).isEqualTo(dir.resolve("onnxruntime-9.9.9").resolve(NativeLibraryCache.platform()));
        Path lib = folder.resolve(System.mapLibraryName("onnxruntime"));
        Path jni = folder.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        assertThat(lib).isRegularFile();
        assertThat(jni).isRegularFile();
        long resourceSize;
        try (var in = NativeLibraryCache.class.getResourceAsStream(
                "/ai/onnxruntime/native/" + NativeLibraryCache.platform() + "/" + System.mapLibraryName("onnxruntime"))) {
            resourceSize = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(Files.size(lib)).isEqualTo(resourceSize);

        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(lib, old);
        cache.ensureExtracted("9.9.9");
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(old);
        try (var listing = Files.list(folder)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void replacesATruncatedLibrary() throws Exception {
        NativeLibraryCache cache = new NativeLibraryCache(dir);
        Path folder = cache.ensureExtracted("1.0").orElseThrow();
        Path jni = folder.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        long size = Files.size(jni);
        Files.write(jni, new byte[10]);

        cache.ensureExtracted("1.0");

        assertThat(Files.size(jni)).isEqualTo(size);
    }

    @Test
    void onnxRuntimeLoadsFromTheCacheFolder() {
        OrtRuntime.environment();
        Path folder = OrtRuntime.nativeLibraryFolder().orElseThrow();
        assertThat(folder.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
        assertThat(OrtRuntime.version()).isEqualTo("1.29.0");
    }
}
