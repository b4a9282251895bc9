package dev.trt4j.timing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.table.JsonSyntaxError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-query times in the JSON layout of trtexec's {@code --exportTimes}: an array with one object per measured
 * query, keys {@code startEnqMs, endEnqMs, startH2dMs, endH2dMs, startComputeMs, endComputeMs, startD2hMs,
 * endD2hMs, h2dMs, computeMs, d2hMs, latencyMs}, so NVIDIA's {@code tracer.py} and users' scripts read trt4j runs
 * as they read trtexec's. Where copies are not timed, {@code h2dMs} and {@code d2hMs} are null, as in
 * {@link dev.trt4j.benchmark.BenchmarkSummaryJson}: a 0 would read as a measured, free copy.
 */
public final class TimesJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] STAMPS = {"startEnqMs", "endEnqMs", "startH2dMs", "endH2dMs", "startComputeMs",
        "endComputeMs", "startD2hMs", "endD2hMs"};

    private TimesJson() {
    }

    /**
     * The traces as JSON text, one query per line.
     *
     * @param transfersTimed whether the copies were timed; if not, {@code h2dMs} and {@code d2hMs} are null
     */
    public static String toJson(List<InferenceTrace> traces, boolean transfersTimed) {
        return JsonArrayText.of(traces.stream().map(t -> toNode(t, transfersTimed)).toList());
    }

    /** Writes {@link #toJson} to {@code file} atomically. */
    public static void write(Path file, List<InferenceTrace> traces, boolean transfersTimed) {
        AtomicFiles.writeString(file, toJson(traces, transfersTimed));
    }

    /**
     * Reads a file in this layout (trt4j's or trtexec's); derived keys are ignored.
     *
     * @throws Trt4jException naming the file and the query that is malformed
     */
    public static List<InferenceTrace> read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new Trt4jException(JsonSyntaxError.message(file.toString(), e), e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        if (root == null || !root.isArray()) {
            throw new Trt4jException(file + ": expected a JSON array of per-query times");
        }
        List<InferenceTrace> traces = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            double[] v = new double[STAMPS.length];
            for (int k = 0; k < STAMPS.length; k++) {
                JsonNode value = root.get(i).get(STAMPS[k]);
                if (value == null || !value.isNumber()) {
                    throw new Trt4jException(file + ": query " + i + " has no number '" + STAMPS[k] + "'");
                }
                v[k] = value.doubleValue();
            }
            traces.add(new InferenceTrace(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
        }
        return traces;
    }

    private static ObjectNode toNode(InferenceTrace t, boolean transfersTimed) {
        // The stamps stay numbers even without timed copies (collapsed onto compute): tracer.py and read() need
        // every one of them.
        return MAPPER.createObjectNode()
                .put("startEnqMs", t.startEnqMs()).put("endEnqMs", t.endEnqMs())
                .put("startH2dMs", t.startH2dMs()).put("endH2dMs", t.endH2dMs())
                .put("startComputeMs", t.startComputeMs()).put("endComputeMs", t.endComputeMs())
                .put("startD2hMs", t.startD2hMs()).put("endD2hMs", t.endD2hMs())
                .put("h2dMs", transfersTimed ? t.h2dMs() : null).put("computeMs", t.computeMs())
                .put("d2hMs", transfersTimed ? t.d2hMs() : null).put("latencyMs", t.latencyMs());
    }
}
