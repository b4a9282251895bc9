package dev.trt4j.timing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link LayerProfile} in the JSON layout of trtexec's {@code --exportProfile}: an array whose first element is
 * {@code {"count": queries}} and then one object per layer, in execution order, with {@code name}, {@code timeMs}
 * (over all queries), {@code averageMs}, {@code medianMs} and {@code percentage}, so scripts written for trtexec's
 * profiles (NVIDIA's {@code profiler.py} among them) read trt4j's. Each layer also carries {@code operator}, its
 * operator type, which trtexec's file does not have.
 */
public final class LayerProfileJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LayerProfileJson() {
    }

    /** The profile as JSON text, one element per line. */
    public static String toJson(LayerProfile profile) {
        List<ObjectNode> elements = new ArrayList<>();
        elements.add(MAPPER.createObjectNode().put("count", profile.queries()));
        for (LayerProfile.Layer layer : profile.layers()) {
            elements.add(MAPPER.createObjectNode()
                    .put("name", layer.name())
                    .put("timeMs", layer.totalMs())
                    .put("averageMs", layer.averageMs())
                    .put("medianMs", layer.medianMs())
                    .put("percentage", profile.percentage(layer))
                    .put("operator", layer.operator()));
        }
        return JsonArrayText.of(elements);
    }
}
