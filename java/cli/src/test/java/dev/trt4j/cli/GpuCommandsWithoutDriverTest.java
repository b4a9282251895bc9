package dev.trt4j.cli;

import dev.trt4j.cli.CliProcess.Result;
import dev.trt4j.engine.ContainerEnvironment;
import dev.trt4j.engine.EngineServices;
import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a machine without the CUDA driver (ours and CI's), {@code trt4j build} and {@code trt4j doctor} fail fast in
 * a real JVM started on the CLI's main class: one line naming the missing library, exit code 1, no engine or
 * sidecar file, and no JVM crash report. Covered twice: with trt4j-native on the class path (it must stop before
 * loading any native code) and without it.
 */
class GpuCommandsWithoutDriverTest {
    /** Its words depend on where the test runs, a machine or a container (MissingComponentTest has each). */
    private static final String DRIVER_LINE = MissingComponent.cudaDriver(NativeLibraryLocator.CUDA_DRIVER).line();
    private static final String NO_BACKEND_LINE = EngineServices.missingBackend().getMessage();
    private static final String PREFIX = "trt4j: ";

    @TempDir
    static Path work;
    static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        assumeTrue(NativeLibraryLocator.system().find(NativeLibraryLocator.CUDA_DRIVER).isEmpty(),
                "this machine has a CUDA driver; the GPU tests in native/ cover it");
        model = TestModels.relu(work.resolve("relu.onnx"));
    }

    @Test
    void buildWithTheBackendStopsAtTheMissingDriver() throws Exception {
        Path out = work.resolve("a/engines/relu.fp16.engine");
        Result r = run(testClassPath(), "build", model.toString(), "--precision", "fp16", "--shapes", "x:2x4",
                "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderrLines()).containsExactly(PREFIX + DRIVER_LINE);
        assertNoOutputAndNoCrash(out.getParent().getParent());
    }

    @Test
    void buildWithoutTheBackendSaysHowToGetIt() throws Exception {
        Path out = work.resolve("b/engines/relu.fp32.engine");
        Result r = run(withoutNative(testClassPath()), "build", model.toString(), "--precision", "fp32", "--shapes",
                "x:2x4", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderrLines()).containsExactly(PREFIX + NO_BACKEND_LINE);
        assertNoOutputAndNoCrash(out.getParent().getParent());
    }

    /** bench says what build says: the missing module, and the missing driver a rebuild would reveal next. */
    @Test
    void benchOfAnEngineWithoutTheBackendSaysWhatBuildSays() throws Exception {
        Path engine = Files.write(work.resolve("relu.engine"), new byte[] {0, 1, 2, 3});
        Result r = run(withoutNative(testClassPath()), "bench", engine.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderrLines()).containsExactly(PREFIX + NO_BACKEND_LINE);
        assertNoOutputAndNoCrash(work.resolve("none"));
    }

    /** In the CPU image (TRT4J_IMAGE=cpu), neither a rebuild nor GPU access would help: the GPU image would. */
    @Test
    void inTheCpuImageGpuCommandsPointToTheGpuImage() throws Exception {
        Path out = work.resolve("c/engines/relu.fp32.engine");
        String gpuImage = "the trt4j:cpu image runs no GPU commands: use the trt4j:gpu image, started with GPU access "
                + "(docker run --gpus all, or a nvidia.com/gpu resource on Kubernetes; docker/README.md)";
        Map<String, String> cpuImage = Map.of(ContainerEnvironment.IMAGE_VARIABLE, ContainerEnvironment.CPU_IMAGE);
        Result build = CliProcess.run(work, withoutNative(testClassPath()), cpuImage, List.of(), "build",
                model.toString(), "--precision", "fp32", "--shapes", "x:2x4", "--out", out.toString());
        assertThat(build.exit()).isEqualTo(1);
        assertThat(build.stderrLines()).containsExactly(PREFIX + "no TensorRT backend: trt4j-native: not in the "
                + "trt4j:cpu image; " + gpuImage);
        Result doctor = CliProcess.run(work, withoutNative(testClassPath()), cpuImage, List.of(), "doctor");
        assertThat(doctor.exit()).isEqualTo(1);
        assertThat(doctor.stdout()).contains("missing:      trt4j-native: not in the trt4j:cpu image; " + gpuImage);
        assertThat(doctor.stderrLines()).containsExactly(PREFIX + "not ready: CUDA driver: libcuda.so.1 not found; "
                + gpuImage + " (and 1 more, listed in the report)");
        assertNoOutputAndNoCrash(out.getParent().getParent());
    }

    @Test
    void doctorReportsWhatIsMissingAndExitsNonZero() throws Exception {
        Result r = run(testClassPath(), "doctor");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).contains("CUDA driver:  missing", "missing:      " + DRIVER_LINE, "status:       not ready");
        assertThat(r.stderrLines()).containsExactly(PREFIX + "not ready: " + DRIVER_LINE);

        Result json = run(withoutNative(testClassPath()), "doctor", "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.stdout()).contains("\"ready\":false", "\"component\":\"trt4j-native\"");
        assertThat(json.stderrLines()).hasSize(1);
        assertNoOutputAndNoCrash(work.resolve("none"));
    }

    private static Result run(String classPath, String... args) throws Exception {
        return CliProcess.run(work, classPath, args);
    }

    private static void assertNoOutputAndNoCrash(Path outputRoot) throws IOException {
        if (Files.exists(outputRoot)) {
            try (Stream<Path> files = Files.walk(outputRoot)) {
                assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
            }
        }
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("hs_err"))).isEmpty();
        }
    }

    private static String testClassPath() {
        return CliProcess.testClassPath();
    }

    /** The class path minus trt4j-native and the JavaCPP jars, as a CLI built without -Pgpu has it. */
    private static String withoutNative(String classPath) {
        String filtered = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(e -> !e.contains("trt4j-native") && !e.replace('\\', '/').contains("/native/target/")
                        && !e.contains("org/bytedeco") && !e.contains("org\\bytedeco"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(filtered).isNotEqualTo(classPath);
        return filtered;
    }
}
