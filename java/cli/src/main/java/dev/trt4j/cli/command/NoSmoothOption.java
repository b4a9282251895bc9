package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.quantize.ModelEqualizer;
import dev.trt4j.quantize.NodeSelection;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code --no-smooth} (equalize, and compare-calibrators and sensitivity with {@code --equalize}) read as the labels
 * of the MatMuls whose inputs stay unsmoothed, for {@link ModelEqualizer#withoutSmoothing}.
 */
final class NoSmoothOption {
    /** The help after its verb, for a command that puts a condition first. */
    static final String WHAT_IT_DOES = "the input of this MatMul (or Gemm) unsmoothed, and so that of every "
            + "MatMul sharing it (Q, K and V share one): a node name, an operator type, or a regular expression "
            + "found in node names; repeatable. Each must select a MatMul whose input could be smoothed. Each "
            + "smoothed input that no constant can take the scales for costs a Mul at run time; on BERT-like models "
            + "attention/output/dense (the attention context) buys no accuracy for it (docs/accuracy.md).";

    /** The option's help, shared by the commands that take it. */
    static final String DESCRIPTION = "Leave " + WHAT_IT_DOES;

    private NoSmoothOption() {
    }

    /**
     * @throws InvalidOptionException naming the model and the first value that picks no node, or no MatMul whose
     *                                input could be smoothed
     */
    static Set<String> parse(ModelProto model, Path modelFile, List<String> values) {
        NodeSelection selected = NodeSelectionOption.parse(model, modelFile, "--no-smooth", values);
        try {
            return ModelEqualizer.unsmoothedMatMuls(model, selected);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(modelFile.getFileName() + ": --no-smooth " + e.getMessage(), e);
        }
    }
}
