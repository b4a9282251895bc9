package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.TemporaryFolder;
import dev.trt4j.onnx.OnnxFileLimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators ONNX Runtime's CPU execution provider actually runs for a model after all its graph optimisations,
 * read back from the optimised model ONNX Runtime writes. This is how to tell whether QDQ node units were fused into
 * integer kernels (QLinearConv, MatMulIntegerToFloat, QGemm, …) or left as DequantizeLinear plus a float operator.
 *
 * @param operators operator type → count; contrib operators are prefixed by their domain
 *                  ({@code com.microsoft:QLinearConv})
 */
public record OrtOptimizedGraph(Map<String, Integer> operators) {
    /** Operators that compute in integers, fused from Q/DQ or written by dynamic quantization. */
    public static final Set<String> INTEGER_KERNELS = Set.of("QLinearConv", "QLinearMatMul", "ConvInteger",
            "MatMulInteger", "com.microsoft:QLinearConv", "com.microsoft:MatMulIntegerToFloat", "com.microsoft:QGemm",
            "com.microsoft:DynamicQuantizeMatMul", "com.microsoft:QLinearAdd", "com.microsoft:QLinearMul",
            "com.microsoft:QLinearGlobalAveragePool", "com.microsoft:QLinearAveragePool",
            "com.microsoft:QLinearConcat", "com.microsoft:QLinearSigmoid", "com.microsoft:QLinearLeakyRelu",
            "com.microsoft:QLinearSoftmax", "com.microsoft:QLinearConvTranspose");
    /** Float operators that carry the weights of a network (what INT8 is meant to replace). */
    public static final Set<String> FLOAT_KERNELS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm",
            "com.microsoft:FusedConv", "com.microsoft:FusedMatMul", "com.microsoft:FusedGemm",
            "com.microsoft.nchwc:Conv");

    public OrtOptimizedGraph {
        operators = Collections.unmodifiableMap(new TreeMap<>(operators));
    }

    /**
     * Optimises {@code model} as a CPU session with every graph optimisation on would, and counts the result.
     *
     * @throws Trt4jException if ONNX Runtime rejects the model
     */
    public static OrtOptimizedGraph of(ModelProto model) {
        try (TemporaryFolder dir = TemporaryFolder.create("trt4j-ort-optimized")) {
            Path optimized = dir.path().resolve("optimized.onnx");
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setOptimizedModelFilePath(optimized.toString());
                if (OnnxFileLimit.serializedSize(model) > SpooledModel.PROTOBUF_LIMIT) {
                    // past 2 GiB neither trt4j nor ONNX Runtime writes one protobuf: both put the weights beside it
                    options.addConfigEntry("session.optimized_model_external_initializers_file_name",
                            "optimized.onnx.data");
                    options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes",
                            "1024");
                }
                SpooledModel.session(model, model.getGraph().getName(), options,
                        OrtSession.SessionOptions.OptLevel.ALL_OPT).close();
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList()) {
                String domain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? "" : n.getDomain() + ":";
                counts.merge(domain + n.getOpType(), 1, Integer::sum);
            }
            return new OrtOptimizedGraph(counts);
        } catch (OrtException e) {
            throw new Trt4jException("ONNX Runtime cannot optimise model '" + model.getGraph().getName() + "': "
                    + OrtErrorText.of(e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How often {@code opType} (domain-prefixed for contrib operators) occurs. */
    public int count(String opType) {
        return operators.getOrDefault(opType, 0);
    }

    /** The integer-kernel operators and their counts. */
    public Map<String, Integer> integerKernels() {
        return select(INTEGER_KERNELS);
    }

    /** The float weight-carrying operators left, and their counts. */
    public Map<String, Integer> floatKernels() {
        return select(FLOAT_KERNELS);
    }

    /** One line, e.g. {@code integer kernels: QLinearConv 53, QGemm 1; float Conv/MatMul/Gemm left: none}. */
    public String summary() {
        return "integer kernels: " + text(integerKernels()) + "; float Conv/MatMul/Gemm left: "
                + text(floatKernels());
    }

    private Map<String, Integer> select(Set<String> types) {
        Map<String, Integer> m = new TreeMap<>();
        operators.forEach((op, n) -> {
            if (types.contains(op)) {
                m.put(op, n);
            }
        });
        return m;
    }

    private static String text(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((op, n) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(op.substring(op.indexOf(':') + 1)).append(' ').append(n));
        return sb.toString();
    }
}
