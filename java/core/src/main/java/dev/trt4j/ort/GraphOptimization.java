package dev.trt4j.ort;

import ai.onnxruntime.OrtSession;

/** How much of ONNX Runtime's graph rewriting a session applies before it runs a model. */
public enum GraphOptimization {
    /** Runs the graph node by node as written. */
    NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
    /** Constant folding and removal of redundant nodes. */
    BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
    /**
     * Also fuses subgraphs into single kernels (LayerNorm, GELU, Conv with its activation). A fusion never removes
     * a tensor that is a graph output, and no data layout changes, so tensors exposed as outputs keep their values
     * up to the rounding of the fused kernels.
     */
    EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
    /** Also changes data layouts (NCHWc blocks for convolutions): what serving uses. */
    ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

    private final OrtSession.SessionOptions.OptLevel level;

    GraphOptimization(OrtSession.SessionOptions.OptLevel level) {
        this.level = level;
    }

    OrtSession.SessionOptions.OptLevel ortLevel() {
        return level;
    }
}
