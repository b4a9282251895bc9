package dev.trt4j.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether trt4j runs inside a container, and whether that container is trt4j's CPU image. There a missing CUDA
 * driver or TensorRT backend comes from how the container was started ({@code docker run} without {@code --gpus})
 * or which image it is, not from the machine, so {@link MissingComponent} says that instead.
 */
public final class ContainerEnvironment {
    /** The variable trt4j's images set: {@value #CPU_IMAGE} in the CPU image, {@code gpu} in the GPU image. */
    public static final String IMAGE_VARIABLE = "TRT4J_IMAGE";
    /** The variable Kubernetes sets in every container of a pod, whatever the runtime and cgroup version. */
    public static final String KUBERNETES_VARIABLE = "KUBERNETES_SERVICE_HOST";
    /** {@link #IMAGE_VARIABLE}'s value in the CPU image. */
    public static final String CPU_IMAGE = "cpu";
    /** Names in a process's cgroup path that container runtimes put there. */
    private static final List<String> RUNTIMES = List.of("docker", "containerd", "kubepods");

    private final boolean inContainer;
    private final boolean cpuImage;

    /**
     * The environment the given files and variable describe.
     *
     * @param markerFiles files a container runtime creates (Docker's {@code /.dockerenv}, Podman's
     *                    {@code /run/.containerenv}): any of them existing means a container
     * @param cgroupFile  the process's cgroup list ({@code /proc/self/cgroup}), which names the runtime under
     *                    cgroup v1; missing or unreadable, it counts as no container
     * @param image       the value of {@link #IMAGE_VARIABLE}, or null where it is unset: any value but a blank is
     *                    one of trt4j's images, so a container
     */
    public ContainerEnvironment(List<Path> markerFiles, Path cgroupFile, String image) {
        this(markerFiles, cgroupFile, image, false);
    }

    /**
     * As {@link #ContainerEnvironment(List, Path, String)}, in a Kubernetes pod or not: under containerd with cgroup
     * v2, today's usual cluster, there is no marker file and the cgroup list reads {@code 0::/}.
     *
     * @param inPod whether {@link #KUBERNETES_VARIABLE} is set
     */
    public ContainerEnvironment(List<Path> markerFiles, Path cgroupFile, String image, boolean inPod) {
        this.cpuImage = CPU_IMAGE.equals(image);
        this.inContainer = image != null && !image.isBlank() || inPod || markerFiles.stream().anyMatch(Files::exists)
                || runtimeInCgroup(cgroupFile);
    }

    /** The environment of this process, read once. */
    public static ContainerEnvironment system() {
        return OfThisProcess.INSTANCE;
    }

    /** True inside a container, trt4j's CPU image included. */
    public boolean inContainer() {
        return inContainer;
    }

    /** True inside trt4j's CPU image, which has no TensorRT backend. */
    public boolean cpuImage() {
        return cpuImage;
    }

    private static boolean runtimeInCgroup(Path cgroupFile) {
        try {
            String cgroups = Files.readString(cgroupFile).toLowerCase(Locale.ROOT);
            return RUNTIMES.stream().anyMatch(cgroups::contains);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return false; // not Linux, or /proc hidden: the marker files alone decide
        }
    }

    /** Holds the process's environment until it is first asked for: most commands never need it. */
    private static final class OfThisProcess {
        static final ContainerEnvironment INSTANCE = new ContainerEnvironment(
                List.of(Path.of("/.dockerenv"), Path.of("/run/.containerenv")), Path.of("/proc/self/cgroup"),
                System.getenv(IMAGE_VARIABLE), System.getenv(KUBERNETES_VARIABLE) != null);
    }
}
