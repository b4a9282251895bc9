package dev.trt4j.tensorrt;

import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;
import dev.trt4j.engine.TensorRtVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BuilderKernelsTest {
    private static final TensorRtVersion TRT = new TensorRtVersion(10, 15, 1);
    private static final GpuDevice H200 = new GpuDevice(0, "NVIDIA H200", 9, 0, 143L << 30);
    private static final GpuDevice ORIN = new GpuDevice(0, "Orin", 8, 7, 16L << 30);

    @Test
    void eachArchitectureWithItsOwnLibraryNeedsItAndOthersTheCompiledPtx() {
        assertThat(BuilderKernels.libraryFor(TRT, H200)).isEqualTo("libnvinfer_builder_resource_sm90.so.10.15.1");
        assertThat(BuilderKernels.libraryFor(TRT, new GpuDevice(0, "T4", 7, 5, 16L << 30)))
                .isEqualTo("libnvinfer_builder_resource_sm75.so.10.15.1");
        assertThat(BuilderKernels.libraryFor(TRT, ORIN)).isEqualTo("libnvinfer_builder_resource_ptx.so.10.15.1");
    }

    @Test
    void foundInAnySearchedFolderOrMissingWithTheFix(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        NativeLibraryLocator locator = new NativeLibraryLocator(List.of(dir), Optional.empty());
        // What JavaCPP's -redist jar brings: only the PTX library.
        Files.createFile(lib.resolve("libnvinfer_builder_resource_ptx.so.10.15.1"));

        Optional<MissingComponent> missing = BuilderKernels.check(locator.alsoIn(List.of(lib)), TRT, H200);
        assertThat(missing).isPresent();
        assertThat(missing.get().line()).startsWith("TensorRT builder kernels: libnvinfer_builder_resource_sm90.so"
                + ".10.15.1 not found for NVIDIA H200 (SM 9.0); JavaCPP's tensorrt -redist jar has only the PTX library;"
                + " install NVIDIA's TensorRT 10.15").contains("LD_LIBRARY_PATH").doesNotContain("\n");
        assertThat(BuilderKernels.check(locator.alsoIn(List.of(lib)), TRT, ORIN)).isEmpty();
        assertThat(BuilderKernels.check(locator, TRT, ORIN)).isPresent();

        Files.createFile(lib.resolve("libnvinfer_builder_resource_sm90.so.10.15.1"));
        assertThat(BuilderKernels.check(locator.alsoIn(List.of(lib)), TRT, H200)).isEmpty();
    }

    @Test
    void explainsTheBuildErrorTensorRtGivesAndNoOther() {
        // As TensorRT 10.15 reported it on an H200 with JavaCPP's libraries.
        String error = "IBuilder::buildSerializedNetwork: Error Code 6: API Usage Error (Unable to load library: "
                + "libnvinfer_builder_resource_sm90.so.10.15.1: libnvinfer_builder_resource_sm90.so.10.15.1: cannot "
                + "open shared object file: No such file or directory In Impl at /_src/runtime/dispatch/libLoader.cpp:304)";
        assertThat(BuilderKernels.explain(error, H200)).hasValueSatisfying(line -> assertThat(line)
                .startsWith("TensorRT builder kernels: libnvinfer_builder_resource_sm90.so.10.15.1 not found for NVIDIA H200"));
        assertThat(BuilderKernels.explain("Error Code 4: Internal Error (Network has dynamic inputs)", H200)).isEmpty();
    }
}
