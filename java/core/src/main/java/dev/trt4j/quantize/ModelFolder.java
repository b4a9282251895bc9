package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The FP32 graph clean-ups that {@code quantize} applies before it places Q/DQ, for an FP32 model of its own
 * ({@code trt4j convert --fold}): BatchNormalization and the constant scales and shifts that follow a Conv folded
 * into it ({@link BatchNormFolder}, {@link ConvAffineFolder}), hard-swish chains written as one HardSwish node
 * ({@link HardSwishFusion}, which raises the opset to 14), and positive scalar scales before a Conv folded into its
 * weights ({@link ConvInputScaleFolder}). The folded model computes the same up to float32
 * rounding with fewer elementwise passes; ONNX Runtime does none of these itself. It is also the fair FP32 baseline
 * for an INT8 model that {@code quantize --runtime onnxruntime-cpu} wrote, which has the same clean-ups. Stateless.
 */
public final class ModelFolder {
    /**
     * @param model             the folded model (the input model if nothing applied)
     * @param foldedBatchNorms  BatchNormalization nodes folded into their Conv
     * @param foldedScaleShifts constant Mul/Add/Sub/Div nodes folded into the Conv before them, then scalar Muls
     *                          folded into the Conv after them
     * @param hardSwishes       hard-swish chains written as HardSwish nodes
     */
    public record Result(ModelProto model, List<String> foldedBatchNorms, List<String> foldedScaleShifts,
                         int hardSwishes) {
        public Result {
            Objects.requireNonNull(model, "model");
            foldedBatchNorms = List.copyOf(foldedBatchNorms);
            foldedScaleShifts = List.copyOf(foldedScaleShifts);
        }
    }

    private ModelFolder() {
    }

    /**
     * Applies the four folds to {@code model}'s main graph.
     *
     * @throws dev.trt4j.Trt4jException if the model has a hard-swish chain but its opset cannot be raised
     */
    public static Result fold(ModelProto model) {
        BatchNormFolder.Result bn = new BatchNormFolder().fold(model);
        ConvAffineFolder.Result affine = ConvAffineFolder.fold(bn.model(), true);
        HardSwishFusion.Result hardSwish = HardSwishFusion.fuse(affine.model());
        ConvInputScaleFolder.Result inputScales = ConvInputScaleFolder.fold(hardSwish.model());
        List<String> scaleShifts = new ArrayList<>(affine.foldedNodes());
        scaleShifts.addAll(inputScales.foldedNodes());
        return new Result(inputScales.model(), bn.foldedNodes(), scaleShifts, hardSwish.fused());
    }
}
