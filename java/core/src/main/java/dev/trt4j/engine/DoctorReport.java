package dev.trt4j.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code trt4j doctor} prints: the GPU environment as text lines or JSON, and a one-line verdict. */
public final class DoctorReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GpuEnvironment env;

    /** A report of {@code environment}. */
    public DoctorReport(GpuEnvironment environment) {
        this.env = environment;
    }

    /** The environment reported. */
    public GpuEnvironment environment() {
        return env;
    }

    /** True when engines can be built and run here. */
    public boolean ready() {
        return env.ready();
    }

    /** Human-readable lines. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("probe:        " + env.probe());
        lines.add("CUDA driver:  " + env.driverVersion().orElse(missingOrUnknown("CUDA driver")));
        lines.add("CUDA runtime: " + env.cudaRuntimeVersion().orElse(missingOrUnknown("CUDA runtime")));
        lines.add("TensorRT:     " + env.tensorRtVersion().map(TensorRtVersion::toString)
                .orElse(missingOrUnknown("TensorRT")));
        lines.add("ONNX parser:  " + env.onnxParserVersion().orElse(missingOrUnknown("TensorRT ONNX parser")));
        if (env.gpus().isEmpty()) {
            lines.add("GPUs:         none found");
        }
        for (GpuDevice g : env.gpus()) {
            lines.add(String.format(Locale.ROOT, "GPU %d:        %s, SM %s, %.1f GiB, fast FP16/INT8: %s", g.index(),
                    g.name(), g.computeCapability(), g.memoryBytes() / (double) (1L << 30),
                    g.hasFastFp16AndInt8() ? "yes" : "no (needs SM 7.5+, which TensorRT 10.5+ also requires)"));
        }
        env.notes().forEach(n -> lines.add("note:         " + n));
        env.missing().forEach(m -> lines.add("missing:      " + m.line()));
        lines.add("status:       " + (ready() ? "ready" : env.runsEngines() ? "runs engines, cannot build them"
                : "not ready"));
        return lines;
    }

    /** The verdict in one line, naming the first missing piece and how to get it. */
    public String verdictLine() {
        if (ready()) {
            return "ready: " + env.tensorRtVersion().map(v -> "TensorRT " + v).orElse("TensorRT") + " on "
                    + env.buildDevice().map(GpuDevice::name).orElse("?");
        }
        if (env.missing().isEmpty()) {
            return "not ready: " + MissingComponent.gpu("no CUDA device found").line();
        }
        int more = env.missing().size() - 1;
        return "not ready: " + env.missing().get(0).line() + (more > 0 ? " (and " + more + " more, listed in the report)" : "");
    }

    /** The report as one line of JSON, as every command's {@code --json} prints it. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("ready", ready());
        root.put("runsEngines", env.runsEngines());
        root.put("probe", env.probe());
        root.put("driverVersion", env.driverVersion().orElse(null));
        root.put("cudaRuntimeVersion", env.cudaRuntimeVersion().orElse(null));
        root.put("tensorRtVersion", env.tensorRtVersion().map(TensorRtVersion::toString).orElse(null));
        root.put("onnxParserVersion", env.onnxParserVersion().orElse(null));
        List<Map<String, Object>> gpus = new ArrayList<>();
        for (GpuDevice g : env.gpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", g.index());
            m.put("name", g.name());
            m.put("computeCapability", g.computeCapability());
            m.put("memoryBytes", g.memoryBytes());
            m.put("fastFp16Int8", g.hasFastFp16AndInt8());
            gpus.add(m);
        }
        root.put("gpus", gpus);
        root.put("missing", env.missing());
        root.put("notes", env.notes());
        root.put("verdict", verdictLine());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serializes", e);
        }
    }

    private String missingOrUnknown(String component) {
        return env.missing().stream().anyMatch(m -> m.component().equals(component)) ? "missing" : "unknown";
    }
}
