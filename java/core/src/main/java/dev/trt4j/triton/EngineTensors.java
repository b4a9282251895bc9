package dev.trt4j.triton;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineRuntime;
import dev.trt4j.engine.EngineServices;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.table.Provenance;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The inputs and outputs of an engine, with their element types, read without a GPU where possible: from the ONNX
 * model it was built from (given, or named by its sidecar and found next to the engine), else from the engine
 * itself through trt4j-native.
 *
 * @param inputs  the engine's inputs
 * @param outputs the engine's outputs
 */
public record EngineTensors(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public EngineTensors {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * @param engine  the engine file
     * @param sidecar its sidecar, or null
     * @param model   the ONNX model it was built from, or null to look for the sidecar's model next to the engine
     * @throws Trt4jException when neither the model nor a TensorRT runtime can tell
     */
    public static EngineTensors find(Path engine, EngineSidecar sidecar, Path model) {
        if (model != null) {
            return fromModel(engine, sidecar, model);
        }
        if (sidecar != null && sidecar.modelFile() != null) {
            Path beside = engine.toAbsolutePath().resolveSibling(sidecar.modelFile());
            if (Files.isRegularFile(beside)) {
                return fromModel(engine, sidecar, beside);
            }
        }
        EngineRuntime runtime;
        try {
            runtime = EngineServices.engineRuntime();
        } catch (Trt4jException e) {
            runtime = null;
        }
        if (runtime == null || !runtime.availability().available()) {
            throw new Trt4jException(engine + ": cannot tell its inputs and outputs without a GPU: "
                    + (sidecar == null || sidecar.modelFile() == null ? "it has no sidecar naming its model"
                    : "its model " + sidecar.modelFile() + " is not next to it") + "; pass the ONNX model with --model");
        }
        try (EngineSession session = runtime.open(engine)) {
            return new EngineTensors(session.inputs(), session.outputs());
        }
    }

    /**
     * The tensors of {@code model}, which must be the file the engine was built from when its sidecar says which:
     * another model's tensors would describe another engine to Triton.
     */
    private static EngineTensors fromModel(Path engine, EngineSidecar sidecar, Path model) {
        OnnxModel onnx = OnnxModel.load(model); // names a folder or a missing file as such
        String builtFrom = sidecar == null ? null : sidecar.modelSha256();
        if (builtFrom != null && !builtFrom.equalsIgnoreCase(onnx.sha256())) {
            throw new Trt4jException(model + ": not the model " + engine.getFileName() + " was built from (its "
                    + "sidecar records " + (sidecar.modelFile() == null ? "" : sidecar.modelFile() + ", ")
                    + "SHA-256 " + Provenance.abbreviated(builtFrom) + ", this file has "
                    + Provenance.abbreviated(onnx.sha256())
                    + "); pass that model with --model");
        }
        return new EngineTensors(onnx.inputs(), onnx.outputs());
    }
}
