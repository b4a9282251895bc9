package dev.trt4j.ort;

import ai.onnxruntime.OrtException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one-line error of an ONNX Runtime run that failed: the model, the shapes it was fed and ONNX Runtime's own
 * reason. A shape the model cannot take is the usual cause, and ONNX Runtime names only the node deep in the graph
 * where it went wrong (a Conv, for an image input of width 0), never the input.
 */
public final class OrtRunFailure {
    private OrtRunFailure() {
    }

    /** The failure of a run fed {@code fed}, in the caller's order. */
    public static Trt4jException of(String model, Map<String, HostTensor> fed, OrtException e) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        fed.forEach((name, tensor) -> shapes.put(name, tensor.shape()));
        return ofShapes(model, shapes, e);
    }

    /** The failure of a run fed tensors of {@code shapes}, in the caller's order. */
    public static Trt4jException ofShapes(String model, Map<String, long[]> shapes, OrtException e) {
        String fed = shapes.entrySet().stream().map(s -> s.getKey() + " " + ShapeText.of(s.getValue()))
                .collect(Collectors.joining(", "));
        return new Trt4jException(model + ": ONNX Runtime failed" + (fed.isEmpty() ? "" : " on " + fed) + ": "
                + OrtErrorText.of(e.getMessage()), e);
    }
}
