package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.ort.SpooledModel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks ONNX Runtime for the element types of tensors the model does not declare and the standard type rules do
 * not cover: exposed as graph outputs, their types come back from ONNX Runtime's own type inference when the
 * session is created. Nothing is run.
 */
final class OrtTypeProbe {
    private OrtTypeProbe() {
    }

    /**
     * Element types (ONNX data type numbers) of those of {@code tensors} that ONNX Runtime could type.
     *
     * @param externalDataFolder where tensors left in data files lie; null where the model holds them all
     */
    static Map<String, Integer> probe(ModelProto model, List<String> tensors, Path externalDataFolder)
            throws OrtException {
        ModelProto exposed = GraphOutputs.withExtraOutputs(model, tensors, Map.of());
        Map<String, Integer> types = new HashMap<>();
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
            if (externalDataFolder != null) {
                OrtRuntime.readExternalDataFrom(options, externalDataFolder);
            }
            try (OrtSession session = SpooledModel.session(exposed, model.getGraph().getName(), options,
                    OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                for (NodeInfo info : session.getOutputInfo().values()) {
                    if (info.getInfo() instanceof TensorInfo t && tensors.contains(info.getName())) {
                        onnxDataType(t.onnxType).ifPresent(type -> types.put(info.getName(), type));
                    }
                }
            }
        }
        return types;
    }

    /** ONNX Runtime's Java enum numbers types its own way; its names carry ONNX's. */
    private static Optional<Integer> onnxDataType(TensorInfo.OnnxTensorType type) {
        String name = type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
        for (DataType t : DataType.values()) {
            if (t != DataType.UNDEFINED && t.name().equals(name)) {
                return Optional.of(t.getNumber());
            }
        }
        return Optional.empty();
    }
}
