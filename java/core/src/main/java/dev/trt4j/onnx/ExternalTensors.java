package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Whether a model still refers to tensors in data files: {@link OnnxModel} leaves the large ones there when the
 * model would exceed 2 GiB with them read in, and whoever hands such a model to ONNX Runtime as bytes must say where
 * the files are.
 */
public final class ExternalTensors {
    private ExternalTensors() {
    }

    /** Whether any tensor of {@code model}, in its graph, subgraphs or functions, is stored in a data file. */
    public static boolean referencedBy(ModelProto model) {
        return ExternalDataInliner.hasExternalData(model);
    }
}
