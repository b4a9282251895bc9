package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The check a study makes before its statistics pass: that some node is left to quantize. Without it an empty set
 * of tensors fails deep in the pass as "no tensors to calibrate", which says neither that the exclusions took
 * everything (a usage error, as quantize reports it) nor that the model has no quantizable operator.
 */
public final class NothingToQuantize {
    private NothingToQuantize() {
    }

    /**
     * @param model    the model file, for messages
     * @param required the activations {@code config} needs ranges for
     * @throws InvalidOptionException if the exclusions (or skipped depthwise Convs) leave no node to quantize
     * @throws Trt4jException         if the model has no quantizable node at all
     */
    public static void check(Path model, ModelProto proto, QuantizationConfig config, Collection<String> required) {
        if (!required.isEmpty()) {
            return;
        }
        QuantizationConfig everything = new QuantizationConfig(config.weightGranularity(), config.weightCalibrator(),
                config.foldBatchNorm(), config.quantizeResidualAdds(), config.opTypes(), List.of(), List.of(),
                List.of(), config.target(), config.reduceRange(), false, config.dynamic());
        if (!new QdqQuantizer(everything).requiredActivations(proto).isEmpty()) {
            // the skipped depthwise Convs are named only where quantizing them would leave something (MiniLM has none)
            boolean depthwise = config.skipDepthwise() && !new QdqQuantizer(new QuantizationConfig(
                    config.weightGranularity(), config.weightCalibrator(), config.foldBatchNorm(),
                    config.quantizeResidualAdds(), config.opTypes(), config.excludedNodes(), config.excludedOpTypes(),
                    config.excludedPatterns(), config.target(), config.reduceRange(), false, config.dynamic()))
                    .requiredActivations(proto).isEmpty();
            throw new InvalidOptionException(model.getFileName() + ": "
                    + (depthwise ? "--exclude and the skipped depthwise Convs keep" : "--exclude keeps")
                    + " every quantizable node in FP32, so every candidate would be the FP32 model; exclude fewer"
                    + (depthwise ? " or add --no-skip-depthwise" : ""));
        }
        throw new Trt4jException(model + ": nothing to quantize: no " + String.join(", ", config.opTypes())
                + " node with a float input");
    }
}
