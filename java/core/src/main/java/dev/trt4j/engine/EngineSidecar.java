package dev.trt4j.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON file written next to every engine ({@code NAME.engine.json}): what the engine was built with and
 * for, so that loading it elsewhere can be refused with a clear line and its provenance is never lost.
 *
 * @param format the sidecar format version (1)
 * @param engineSha256 SHA-256 of the engine file
 * @param tensorRtVersion the TensorRT version that built it, e.g. {@code 10.15.1}
 * @param gpuName the GPU it was built on
 * @param computeCapability that GPU's compute capability, e.g. {@code 7.5}
 * @param precision {@code fp32}, {@code fp16} or {@code int8}
 * @param int8Mode {@code implicit} or {@code explicit} (INT8 only)
 * @param stronglyTyped whether the network was strongly typed
 * @param calibrator the calibrator of an implicit INT8 build (a cache's algorithm token where the ranges do not
 *        record which of trt4j's methods made them)
 * @param calibrationSha256 SHA-256 of the calibration table or cache file the ranges came from; for ranges computed
 *        during the build (or given in memory), of the calibration cache handed to TensorRT
 * @param modelFile the ONNX file name
 * @param modelSha256 SHA-256 of the ONNX file
 * @param profiles the optimization profiles, input name → shape range
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EngineSidecar(int format, String engineSha256, String tensorRtVersion, String gpuName,
        String computeCapability, String precision, String int8Mode, boolean stronglyTyped, String calibrator,
        String calibrationSha256, String modelFile, String modelSha256, List<Map<String, ShapeRange>> profiles) {
    /** The current format version. */
    public static final int FORMAT = 1;
    /** The fields a sidecar cannot do without, as named in its JSON; a reader names the ones missing. */
    static final List<String> REQUIRED_FIELDS = List.of("format", "engineSha256", "tensorRtVersion", "gpuName",
            "computeCapability");

    public EngineSidecar {
        Objects.requireNonNull(tensorRtVersion, "tensorRtVersion");
        Objects.requireNonNull(gpuName, "gpuName");
        Objects.requireNonNull(computeCapability, "computeCapability");
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
    }

    /** The sidecar of a build. */
    public static EngineSidecar of(EngineBuildPlan plan, TensorRtVersion version, GpuDevice gpu, String engineSha256,
            String calibrationSha256) {
        List<Map<String, ShapeRange>> profiles = new ArrayList<>();
        plan.profiles().forEach(p -> profiles.add(p.inputs()));
        return new EngineSidecar(FORMAT, engineSha256, version.toString(), gpu.name(), gpu.computeCapability(),
                plan.precision().cliName(), plan.int8Mode().map(Int8Mode::cliName).orElse(null), plan.stronglyTyped(),
                plan.calibration().map(CalibrationPlan::calibratorName).orElse(null), calibrationSha256,
                plan.model().name(), plan.model().sha256(), profiles);
    }
}
