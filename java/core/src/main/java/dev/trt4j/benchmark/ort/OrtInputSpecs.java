package dev.trt4j.benchmark.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.OrtSpecs;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The inputs of an ONNX Runtime session as {@link TensorSpec}s, refusing types a benchmark cannot feed. */
final class OrtInputSpecs {
    private static final Set<ElementType> FEEDABLE =
            EnumSet.of(ElementType.FLOAT32, ElementType.FLOAT16, ElementType.INT64, ElementType.INT32,
                    ElementType.INT8, ElementType.UINT8, ElementType.BOOL);

    private OrtInputSpecs() {
    }

    static List<TensorSpec> of(String model, OrtSession session) throws OrtException {
        List<TensorSpec> specs = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                throw new Trt4jException(model + ": input '" + e.getKey() + "' is not a tensor");
            }
            ElementType type = OrtSpecs.elementType(info.type).filter(FEEDABLE::contains)
                    .orElseThrow(() -> new Trt4jException(model + ": input '" + e.getKey() + "' is " + info.type
                            + "; a benchmark feeds FLOAT, FLOAT16, INT64, INT32, INT8, UINT8 and BOOL inputs"));
            // the symbolic names let one --shapes entry settle the inputs that share a dimension
            String[] names = info.getDimensionNames();
            specs.add(new TensorSpec(e.getKey(), type, info.getShape(),
                    names == null || names.length != info.getShape().length ? null : Arrays.asList(names)));
        }
        return specs;
    }
}
