package dev.trt4j.timing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A JSON array written as trtexec writes its exports: one element per line, each line after the first starting with
 * a comma, so that a file of thousands of queries or layers stays readable and diffs line by line.
 */
final class JsonArrayText {
    private JsonArrayText() {
    }

    static String of(List<? extends JsonNode> elements) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < elements.size(); i++) {
            sb.append(i == 0 ? "  " : ", ").append(elements.get(i)).append('\n');
        }
        return sb.append("]\n").toString();
    }
}
