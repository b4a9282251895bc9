package dev.trt4j.cli.command;

import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.QuantizationConfig;

import java.nio.file.Path;

/**
 * The FP32 model that compare-calibrators or sensitivity quantizes, and how.
 *
 * @param file   the model file
 * @param onnx   the loaded model
 * @param config how to quantize it, its exclusions checked against it
 */
record StudiedModel(Path file, OnnxModel onnx, QuantizationConfig config) {
    /** The file name without {@code .onnx}, which names what the study writes. */
    String stem() {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    /** Where the study writes: {@code out} if given, else {@code engines/<stem>/<name>}. */
    Path folder(Path out, String name) {
        return out != null ? out : Path.of("engines", stem(), name);
    }
}
