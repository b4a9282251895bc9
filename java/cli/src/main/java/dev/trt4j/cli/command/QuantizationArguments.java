package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.quantize.NodeSelection;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.quantize.WeightCalibrator;
import dev.trt4j.quantize.WeightGranularity;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How commands that quantize a model quantize it: weights, BatchNorm folding, exclusions (a picocli mixin). Worded
 * for commands that calibrate themselves; quantize, which reads a table, adds what the table needs in its resource
 * bundle ({@code QuantizeCommand.properties}).
 */
public final class QuantizationArguments {
    @Option(names = "--per-tensor-weights", description = "One scale per weight tensor instead of per output channel.")
    boolean perTensorWeights;

    @Option(names = "--weight-method", paramLabel = "M", defaultValue = "max",
            description = "Weight ranges: max, percentile[=P] (P default 99.99) or mse (default ${DEFAULT-VALUE}).")
    String weightMethod;

    @Option(names = "--no-bn-fold", description = "Keep BatchNormalization nodes and the constant scales and shifts "
            + "around a Conv, instead of folding them into the Conv (or, for onnxruntime-cpu, into its weights and "
            + "its output's zero point).")
    boolean noBatchNormFold;

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "tensorrt",
            description = "Q/DQ layout: tensorrt (inputs of quantized operators, what TensorRT builds) or "
                    + "onnxruntime-cpu (UINT8 activations, INT8 weights, INT32 biases and Q/DQ on Conv outputs, what "
                    + "ONNX Runtime's CPU kernels fuse). Default ${DEFAULT-VALUE}.")
    String runtime;

    @Option(names = "--reduce-range", negatable = true,
            description = "onnxruntime-cpu: 7-bit weights (default on), so that x86 AVX2 kernels without VNNI "
                    + "cannot saturate; --no-reduce-range keeps 8 bits for CPUs with VNNI or ARM.")
    Boolean reduceRange;

    @Option(names = "--skip-depthwise", negatable = true,
            description = "Leave depthwise Convs in FP32 (default on for onnxruntime-cpu, whose FP32 depthwise "
                    + "kernels beat its INT8 ones on x86; off for tensorrt).")
    Boolean skipDepthwise;

    @Option(names = "--exclude", paramLabel = "NAME|OPTYPE|REGEX",
            description = "Leave in FP32: a node name, an operator type (for example MatMul), or a regular expression "
                    + "found in node names; repeatable. Each must match something.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--dynamic", paramLabel = "NAME|OPTYPE|REGEX",
            description = "onnxruntime-cpu: quantize these MatMuls' inputs with a range measured on each run "
                    + "(DynamicQuantizeMatMul) instead of the calibrated one; as --exclude, repeatable. For inputs "
                    + "whose range varies from sample to sample, such as BERT's feed-forward output after GELU.")
    List<String> dynamic = new ArrayList<>();

    /** The configuration these arguments describe for {@code model} (whose exclusions they must match). */
    QuantizationConfig config(ModelProto model, Path modelFile) {
        String wanted = weightMethod.split("=", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        List<String> weightMethods = Calibrators.available().stream().map(Calibrator::name)
                .filter(n -> !n.equals("entropy")).sorted().toList(); // entropy is no weight method (WeightCalibrator)
        if (!wanted.equals("entropy") && !weightMethods.contains(wanted)) {
            throw new InvalidOptionException("--weight-method " + weightMethod + ": unknown weight calibration method '"
                    + wanted + "'; available: " + String.join(", ", weightMethods)
                    // the summary's label percentile-99.99 is not how the option takes it
                    + (wanted.startsWith("percentile-") ? " (give a percentile as percentile=" + wanted.substring(11)
                    + ")" : ""));
        }
        MethodSpec method = MethodSpec.parse("--weight-method", weightMethod, CalibrationOptions.defaults());
        if (method.name().equals("percentile") && method.options().percentile() <= 0) {
            // every weight's range would be 0: each channel quantized to zero, the layer's output lost
            throw new InvalidOptionException("--weight-method percentile must be above 0 (a weight range of 0 "
                    + "zeroes every weight), got " + OptionValues.plain(method.options().percentile()));
        }
        QuantizationTarget target = QuantizationTarget.byName(runtime);
        if (reduceRange != null && target != QuantizationTarget.ONNXRUNTIME_CPU) {
            // the TensorRT layout writes 8-bit weights: --no-reduce-range would do nothing, --reduce-range is wrong
            throw new InvalidOptionException((reduceRange ? "--reduce-range" : "--no-reduce-range")
                    + " is for --runtime onnxruntime-cpu, not " + runtime + ": that layout always writes 8-bit weights");
        }
        if (!dynamic.isEmpty() && target != QuantizationTarget.ONNXRUNTIME_CPU) {
            throw new InvalidOptionException("--dynamic is for --runtime onnxruntime-cpu, not " + runtime
                    + ": TensorRT takes every INT8 range from the model");
        }
        QuantizationConfig.Builder b = QuantizationConfig.builder()
                .weightGranularity(perTensorWeights ? WeightGranularity.PER_TENSOR : WeightGranularity.PER_CHANNEL)
                .weightCalibrator(WeightCalibrator.byName(method.name(), method.options()))
                .foldBatchNorm(!noBatchNormFold)
                .target(target)
                .reduceRange(reduceRange != null ? reduceRange : target == QuantizationTarget.ONNXRUNTIME_CPU)
                .skipDepthwise(skipDepthwise != null ? skipDepthwise : target == QuantizationTarget.ONNXRUNTIME_CPU);
        NodeSelection excluded = NodeSelectionOption.parse(model, modelFile, "--exclude", excludes);
        excluded.nodes().forEach(b::excludeNode);
        excluded.opTypes().forEach(b::excludeOpType);
        excluded.patterns().forEach(b::excludePattern);
        b.dynamic(NodeSelectionOption.parse(model, modelFile, "--dynamic", dynamic));
        return b.build();
    }
}
