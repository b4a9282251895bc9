package dev.trt4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLibraryLocatorTest {
    @TempDir
    Path dir;

    @Test
    void findsALibraryInTheFirstFolderThatHasIt() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Files.writeString(b.resolve("libcuda.so.1"), "");
        NativeLibraryLocator locator = new NativeLibraryLocator(List.of(a, b), Optional.empty());
        assertThat(locator.find("libcuda.so.1")).contains(b.resolve("libcuda.so.1"));
        assertThat(locator.find("libnvinfer.so.10")).isEmpty();
    }

    @Test
    void findsALibraryListedInTheLinkerCacheOnlyIfItStillExists() throws Exception {
        Path libs = Files.createDirectory(dir.resolve("lib"));
        Path real = Files.writeString(libs.resolve("libnvinfer.so.10"), "");
        ByteArrayOutputStream cache = new ByteArrayOutputStream();
        cache.writeBytes("glibc-ld.so.cache1.1\0\0\0libnvinfer.so.10\0".getBytes(StandardCharsets.ISO_8859_1));
        cache.writeBytes((real + "\0libcuda.so.1\0/gone/libcuda.so.1\0").getBytes(StandardCharsets.ISO_8859_1));
        Path ldCache = dir.resolve("ld.so.cache");
        Files.write(ldCache, cache.toByteArray());
        NativeLibraryLocator locator = new NativeLibraryLocator(List.of(), Optional.of(ldCache));
        assertThat(locator.find("libnvinfer.so.10")).contains(real);
        assertThat(locator.find("libcuda.so.1")).isEmpty();
    }

    @Test
    void fallbackProbeReportsTheDriverAndTheNativeModuleAsMissing() throws Exception {
        NativeLibraryLocator empty = new NativeLibraryLocator(List.of(dir), Optional.empty());
        GpuEnvironment env = new LibraryFileProbe(empty).probe();
        assertThat(env.ready()).isFalse();
        assertThat(env.missing()).extracting(MissingComponent::component).containsExactly("CUDA driver", "trt4j-native");
        assertThat(env.missing().get(0)).isEqualTo(MissingComponent.cudaDriver("libcuda.so.1"));
        assertThat(env.notes()).contains("libnvinfer.so.10: not found");
    }
}
