package dev.trt4j.triton;

import dev.trt4j.engine.EngineSidecar;

import java.util.Objects;
import java.util.Optional;

/**
 * What an engine runs on, from its sidecar: the TensorRT version that built it and the GPU it was built on.
 * Triton refuses a plan that another TensorRT version built, and one built for another GPU, so the export names both.
 *
 * @param tensorRtVersion the TensorRT version, e.g. {@code 10.15.1}
 * @param gpuName         the GPU's name, e.g. {@code Tesla T4}
 * @param computeCapability that GPU's compute capability, e.g. {@code 7.5}
 */
public record EngineTarget(String tensorRtVersion, String gpuName, String computeCapability) {
    public EngineTarget {
        Objects.requireNonNull(tensorRtVersion, "tensorRtVersion");
        Objects.requireNonNull(gpuName, "gpuName");
        Objects.requireNonNull(computeCapability, "computeCapability");
    }

    /** The target its sidecar records; empty without a sidecar. */
    public static Optional<EngineTarget> of(EngineSidecar sidecar) {
        return Optional.ofNullable(sidecar)
                .map(s -> new EngineTarget(s.tensorRtVersion(), s.gpuName(), s.computeCapability()));
    }

    /** {@code TensorRT 10.15.1 on Tesla T4 (compute capability 7.5)}, on one line whatever the sidecar holds. */
    public String line() {
        return oneLine("TensorRT " + tensorRtVersion + " on " + gpuName + " (compute capability " + computeCapability
                + ")");
    }

    /**
     * The protobuf text-format comment that opens the engine's {@code config.pbtxt}: a {@code #} comment runs to the
     * end of its line, so a line break in a sidecar's value could not end it early.
     */
    public String pbtxtComment() {
        return "# model.plan needs " + line() + ": Triton loads it only with that TensorRT version (its\n"
                + "# tritonserver image's) and on that GPU model.\n";
    }

    private static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return sb.toString();
    }
}
