package dev.trt4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerEnvironmentTest {
    @TempDir
    Path root;

    private ContainerEnvironment with(String cgroups, String image) throws Exception {
        Path cgroup = root.resolve("cgroup");
        if (cgroups != null) {
            Files.writeString(cgroup, cgroups);
        }
        return new ContainerEnvironment(List.of(root.resolve(".dockerenv"), root.resolve("run/.containerenv")),
                cgroup, image);
    }

    /**
     * A pod under containerd with cgroup v2 has no marker file and a cgroup list of {@code 0::/}: Kubernetes' variable,
     * or the GPU image's own, tells it is a container.
     */
    @Test
    void aPodOrTheGpuImageIsAContainerWithoutMarkersOrCgroupNames() throws Exception {
        Path cgroup = Files.writeString(root.resolve("cgroup"), "0::/\n");
        List<Path> markers = List.of(root.resolve(".dockerenv"));
        assertThat(new ContainerEnvironment(markers, cgroup, null, false).inContainer()).isFalse();
        assertThat(new ContainerEnvironment(markers, cgroup, null, true).inContainer()).isTrue();
        ContainerEnvironment gpuImage = new ContainerEnvironment(markers, cgroup, "gpu", false);
        assertThat(gpuImage.inContainer()).isTrue();
        assertThat(gpuImage.cpuImage()).isFalse();
    }

    @Test
    void aMachineHasNoMarkerFileAndNoRuntimeInItsCgroups() throws Exception {
        ContainerEnvironment machine = with("12:memory:/user.slice/user-1000.slice\n0::/user.slice\n", null);
        assertThat(machine.inContainer()).isFalse();
        assertThat(machine.cpuImage()).isFalse();
        // no cgroup file at all (not Linux): the marker files alone decide
        assertThat(with(null, "").inContainer()).isFalse();
    }

    @Test
    void dockersAndPodmansMarkerFilesMeanAContainer() throws Exception {
        Files.createFile(root.resolve(".dockerenv"));
        assertThat(with("0::/\n", null).inContainer()).isTrue();
        Files.delete(root.resolve(".dockerenv"));
        Files.createDirectories(root.resolve("run"));
        Files.createFile(root.resolve("run/.containerenv"));
        assertThat(with("0::/\n", null).inContainer()).isTrue();
    }

    /** Under cgroup v1 the path names the runtime even where no marker file was made (Kubernetes, containerd). */
    @Test
    void aRuntimeInTheCgroupPathMeansAContainer() throws Exception {
        for (String cgroups : List.of("12:memory:/docker/3f2a9c\n", "0::/system.slice/docker-3f2a9c.scope\n",
                "4:cpu:/kubepods/besteffort/pod1234/3f2a9c\n", "1:name=systemd:/system.slice/containerd.service\n")) {
            assertThat(with(cgroups, null).inContainer()).as(cgroups).isTrue();
        }
    }

    @Test
    void theCpuImageSaysSoInItsVariable() throws Exception {
        ContainerEnvironment cpu = with("0::/\n", ContainerEnvironment.CPU_IMAGE);
        assertThat(cpu.cpuImage()).isTrue();
        assertThat(cpu.inContainer()).isTrue();
        assertThat(with("0::/\n", "gpu").cpuImage()).isFalse();
    }
}
