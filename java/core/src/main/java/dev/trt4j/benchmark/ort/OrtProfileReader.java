package dev.trt4j.benchmark.ort;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trt4j.Trt4jException;
import dev.trt4j.timing.LayerProfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the profile ONNX Runtime writes when a session profiles ({@code SessionOptions.enableProfiling}): a Chrome
 * trace, an array of events in microseconds, where each query is a {@code Session} event named {@code model_run}
 * and each node's work a {@code Node} event named {@code <node>_kernel_time} with its operator in
 * {@code args.op_name}. The file holds every run since the session was made, warm-up included, so only the nodes
 * inside the last {@code queries} runs count.
 */
final class OrtProfileReader {
    /**
     * ONNX Runtime writes node names into its profile unescaped: a control character in a name (which a model may
     * hold) made the whole sweep fail after timing. Quotes and backslashes are escaped by {@link OrtProfileNames}.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();
    private static final String KERNEL = "_kernel_time";

    private OrtProfileReader() {
    }

    /**
     * The layers' times in the last {@code queries} runs of the profile.
     *
     * @param source what the text is, for messages (the model)
     * @throws Trt4jException if the text is no ONNX Runtime profile or holds fewer runs than {@code queries}
     */
    static LayerProfile read(String json, int queries, String source) {
        JsonNode events;
        try {
            events = MAPPER.readTree(OrtProfileNames.escape(json));
        } catch (JsonProcessingException e) {
            throw new Trt4jException(source + ": ONNX Runtime's profile is not JSON: " + e.getOriginalMessage(), e);
        }
        if (events == null || !events.isArray()) {
            throw new Trt4jException(source + ": ONNX Runtime's profile is not an array of trace events");
        }
        List<long[]> runs = new ArrayList<>();
        for (JsonNode e : events) {
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
                runs.add(new long[] {e.path("ts").asLong(), e.path("ts").asLong() + e.path("dur").asLong()});
            }
        }
        if (runs.size() < queries) {
            throw new Trt4jException(source + ": ONNX Runtime's profile holds " + runs.size() + " runs, not the "
                    + queries + " profiled queries");
        }
        runs.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> kept = runs.subList(runs.size() - queries, runs.size());
        long[] starts = kept.stream().mapToLong(r -> r[0]).toArray();
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, String> operators = new LinkedHashMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        events.forEach(e -> {
            if ("Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith(KERNEL)) {
                nodes.add(e);
            }
        });
        nodes.sort((a, b) -> Long.compare(a.path("ts").asLong(), b.path("ts").asLong()));
        for (JsonNode e : nodes) {
            long ts = e.path("ts").asLong();
            int run = Arrays.binarySearch(starts, ts);
            run = run >= 0 ? run : -run - 2;
            if (run < 0 || ts > kept.get(run)[1]) {
                continue;
            }
            String full = e.path("name").asText();
            String name = full.substring(0, full.length() - KERNEL.length());
            if (name.isEmpty()) {
                name = "#" + e.path("args").path("node_index").asText("?");
            }
            times.computeIfAbsent(name, k -> new double[queries])[run] += e.path("dur").asLong() / 1000.0;
            operators.putIfAbsent(name, e.path("args").path("op_name").asText("?"));
        }
        List<LayerProfile.Layer> layers = new ArrayList<>();
        times.forEach((name, t) -> layers.add(new LayerProfile.Layer(name, operators.get(name), t)));
        return new LayerProfile(queries, layers);
    }
}
