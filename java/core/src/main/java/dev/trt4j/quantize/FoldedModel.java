package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.List;

/**
 * What a rewrite that removes nodes returns: the rewritten model (the input itself when nothing matched) and the
 * labels of the nodes it removed, in graph order, for the quantization report.
 *
 * @param model       the rewritten model
 * @param foldedNodes labels of the removed nodes
 */
record FoldedModel(ModelProto model, List<String> foldedNodes) {
    FoldedModel {
        foldedNodes = List.copyOf(foldedNodes);
    }

    /** {@code model} unchanged. */
    static FoldedModel unchanged(ModelProto model) {
        return new FoldedModel(model, List.of());
    }
}
