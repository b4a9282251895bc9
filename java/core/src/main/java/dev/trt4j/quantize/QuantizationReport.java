package dev.trt4j.quantize;

import dev.trt4j.Counts;

import java.util.List;
import java.util.Locale;

/**
 * What {@link QdqQuantizer} did to a model.
 *
 * @param quantizedNodes       nodes whose inputs got Q/DQ, in graph order
 * @param excludedNodes        quantizable nodes left in FP32 by an exclusion or as skipped depthwise Convs
 * @param residualAdds         Add nodes whose residual input got Q/DQ
 * @param quantizedActivations activation tensors that got a Q/DQ pair (each needs an amax)
 * @param quantizedWeights     number of weight tensors that got a Q/DQ pair
 * @param foldedBatchNorms     BatchNormalization nodes folded into their Conv
 * @param foldedScaleShifts    constant Mul/Add/Sub/Div nodes after a Conv folded into its weights and bias; in the ONNX
 *                             Runtime CPU layout also positive scalar Muls before a Conv folded into its weights, and
 *                             Adds after a quantized Conv moved into its output's zero point, and Divs or Muls by a
 *                             constant after a MatMul moved into a DequantizeLinear scale
 * @param hardSwishes          spelled-out hard-swish chains written as one HardSwish node (ONNX Runtime layout)
 * @param skipLayerNorms       residual Adds and the LayerNorms after them written as one {@code com.microsoft}
 *                             {@code SkipLayerNormalization} node (ONNX Runtime layout)
 * @param sourceOpset          default-domain opset of the input model
 * @param opset                default-domain opset of the output model
 * @param weightGranularity    per-channel or per-tensor weights
 * @param singleScaleWeights   of {@code quantizedWeights}, those that took one scale although per-channel weights
 *                             were asked for: no output-channel axis (a vector, a batched MatMul weight, a constant
 *                             where data is expected)
 * @param weightMethod         how weight amax was chosen, as calibrate labels it (e.g. {@code percentile-99.9})
 * @param target               the runtime the Q/DQ layout is for
 * @param reduceRange          whether weights were quantized to 7 bits
 * @param dynamicNodes         MatMuls whose input ONNX Runtime quantizes with a range measured on each run (their
 *                             input is not among {@code quantizedActivations})
 */
public record QuantizationReport(List<String> quantizedNodes, List<String> excludedNodes,
                                 List<String> residualAdds, List<String> quantizedActivations,
                                 int quantizedWeights, int singleScaleWeights, List<String> foldedBatchNorms,
                                 List<String> foldedScaleShifts, int hardSwishes, int skipLayerNorms,
                                 long sourceOpset, long opset,
                                 WeightGranularity weightGranularity, String weightMethod, QuantizationTarget target,
                                 boolean reduceRange, List<String> dynamicNodes) {
    public QuantizationReport {
        quantizedNodes = List.copyOf(quantizedNodes);
        excludedNodes = List.copyOf(excludedNodes);
        residualAdds = List.copyOf(residualAdds);
        quantizedActivations = List.copyOf(quantizedActivations);
        foldedBatchNorms = List.copyOf(foldedBatchNorms);
        foldedScaleShifts = List.copyOf(foldedScaleShifts);
        dynamicNodes = List.copyOf(dynamicNodes);
    }

    /** One line for logs and the terminal. */
    public String summary() {
        return Counts.of(quantizedNodes.size(), "node") + " quantized (" + excludedNodes.size() + " kept in FP32, "
                + Counts.of(residualAdds.size(), "residual add") + "), "
                + Counts.of(quantizedActivations.size(), "activation") + ", " + Counts.of(quantizedWeights, "weight")
                + " " + weightGranularity.name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + weightMethod
                + (singleScaleWeights == 0 || weightGranularity != WeightGranularity.PER_CHANNEL ? ""
                        : " (" + singleScaleWeights + " of them with one scale: no channel axis)")
                + (reduceRange ? " 7-bit" : "")
                + (dynamicNodes.isEmpty() ? "" : ", " + Counts.of(dynamicNodes.size(), "MatMul") + " with dynamic "
                        + "input ranges")
                + ", " + Counts.of(foldedBatchNorms.size(), "BatchNorm")
                + (foldedScaleShifts.isEmpty() ? "" : " and " + Counts.of(foldedScaleShifts.size(), "scale/shift node"))
                + " folded"
                + (hardSwishes == 0 ? ""
                        : ", " + Counts.of(hardSwishes, "hard-swish", "hard-swishes") + " written as HardSwish")
                + (skipLayerNorms == 0 ? ""
                        : ", " + Counts.of(skipLayerNorms, "residual Add + LayerNorm pair") + " as SkipLayerNormalization")
                + ", opset " + sourceOpset
                + (opset != sourceOpset ? " → " + opset : "")
                + (target == QuantizationTarget.TENSORRT ? "" : ", laid out for " + target.cliName());
    }
}
