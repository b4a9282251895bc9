package dev.trt4j.timing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
        ArrayNode array = MAPPER.createArrayNode();
        array.addObject().put("count", profile.queries());
        for (LayerProfile.Layer layer : profile.layers()) {
            ObjectNode o = array.addObject();
            o.put("name", layer.name());
            o.put("timeMs", layer.totalMs());
            o.put("averageMs", layer.averageMs());
            o.put("medianMs", layer.medianMs());
            o.put("percentage", profile.percentage(layer));
            o.put("operator", layer.operator());
        }
        StringBuilder sb = new StringBuilder("[\n");
        try {
            for (int i = 0; i < array.size(); i++) {
                sb.append(i == 0 ? "  " : ", ").append(MAPPER.writeValueAsString(array.get(i))).append('\n');
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a layer profile as JSON", e);
        }
        return sb.append("]\n").toString();
    }
}
