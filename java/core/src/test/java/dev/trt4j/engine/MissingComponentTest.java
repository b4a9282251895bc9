package dev.trt4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver's and the native module's lines say what to do where trt4j runs: a machine, a container, the CPU image. */
class MissingComponentTest {
    @TempDir
    Path root;

    private ContainerEnvironment machine() {
        return new ContainerEnvironment(List.of(root.resolve(".dockerenv")), root.resolve("cgroup"), null);
    }

    private ContainerEnvironment container() throws Exception {
        Path marker = root.resolve("container/.dockerenv");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "");
        return new ContainerEnvironment(List.of(marker), root.resolve("cgroup"), null);
    }

    private ContainerEnvironment cpuImage() throws Exception {
        return new ContainerEnvironment(List.of(), root.resolve("cgroup"), "cpu");
    }

    @Test
    void onAMachineTheDriverIsToBeInstalled() {
        assertThat(MissingComponent.cudaDriver("libcuda.so.1", machine()).line()).isEqualTo("CUDA driver: libcuda.so.1 "
                + "not found; install the NVIDIA driver (r580 or newer for CUDA 13) on a machine with an NVIDIA GPU");
        assertThat(MissingComponent.nativeModule(machine()).line())
                .isEqualTo("trt4j-native: not on the class path; build trt4j with -Pgpu (see native/README.md)");
    }

    /**
     * docker run without --gpus all mounts no driver: installing one in the container is not the fix. Nor is the line
     * to presume a GPU on the host (a CI job, a GPU-less host) or Docker (Kubernetes gives GPUs as a resource).
     */
    @Test
    void inAContainerTheDriverComesWithGpuAccess() throws Exception {
        String line = "CUDA driver: libcuda.so.1 not found; this container has no GPU access: it needs a host with an "
                + "NVIDIA GPU, the NVIDIA driver r580 or newer (for CUDA 13) and the NVIDIA Container Toolkit, and to "
                + "be started with GPU access (docker run --gpus all, or a nvidia.com/gpu resource on Kubernetes)";
        assertThat(MissingComponent.cudaDriver("libcuda.so.1", container()).line()).isEqualTo(line);
        Path cgroup = Files.writeString(root.resolve("kubepods-cgroup"),
                "4:cpu:/kubepods/besteffort/pod1234/3f2a9c\n");
        ContainerEnvironment pod = new ContainerEnvironment(List.of(), cgroup, null);
        assertThat(MissingComponent.cudaDriver("libcuda.so.1", pod).line()).isEqualTo(line)
                .doesNotContain("was started without");
        assertThat(MissingComponent.nativeModule(container()).line())
                .isEqualTo(MissingComponent.nativeModule(machine()).line());
    }

    /** The CPU image is built without trt4j-native: neither a rebuild nor --gpus all helps there. */
    @Test
    void inTheCpuImageBothPointToTheGpuImage() throws Exception {
        String gpuImage = "the trt4j:cpu image runs no GPU commands: use the trt4j:gpu image, started with GPU access "
                + "(docker run --gpus all, or a nvidia.com/gpu resource on Kubernetes; docker/README.md)";
        assertThat(MissingComponent.nativeModule(cpuImage()).line())
                .isEqualTo("trt4j-native: not in the trt4j:cpu image; " + gpuImage);
        assertThat(MissingComponent.cudaDriver("libcuda.so.1", cpuImage()).line())
                .isEqualTo("CUDA driver: libcuda.so.1 not found; " + gpuImage);
    }

    @Test
    void theMissingBackendLineNamesTheMissingDriverWhereARebuildWouldMeetItNext() throws Exception {
        String module = "no TensorRT backend: trt4j-native: not on the class path; build trt4j with -Pgpu "
                + "(see native/README.md)";
        assertThat(EngineServices.missingBackendLine(false, machine())).isEqualTo(module);
        assertThat(EngineServices.missingBackendLine(true, machine())).isEqualTo(module + "; this machine also lacks "
                + "the CUDA driver (libcuda.so.1 not found; trt4j doctor says more)");
        assertThat(EngineServices.missingBackendLine(true, container())).isEqualTo(module + "; this container also "
                + "lacks the CUDA driver (libcuda.so.1 not found; trt4j doctor says more)");
        assertThat(EngineServices.missingBackendLine(true, cpuImage())).isEqualTo("no TensorRT backend: trt4j-native: "
                + "not in the trt4j:cpu image; the trt4j:cpu image runs no GPU commands: use the trt4j:gpu image, "
                + "started with GPU access (docker run --gpus all, or a nvidia.com/gpu resource on Kubernetes; "
                + "docker/README.md)");
    }
}
