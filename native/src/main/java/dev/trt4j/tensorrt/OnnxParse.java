package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs TensorRT's ONNX parser on a file and turns its errors into one line naming node and reason. */
final class OnnxParse {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxParse.class);

    private OnnxParse() {
    }

    /**
     * Parses {@code model} into the parser's network (external weight files are found next to the model).
     *
     * @throws Trt4jException with the first error's node, operator and description, plus the count of others
     */
    static void parse(IParser parser, Path model) {
        boolean ok = parser.parseFromFile(model.toAbsolutePath().toString(), ILogger.Severity.kWARNING.value);
        if (ok) {
            return;
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            errors.add(describe(parser.getError(i)));
            LOG.debug("ONNX parser: {}", errors.get(i));
        }
        throw new Trt4jException(model + ": TensorRT's ONNX parser failed: "
                + (errors.isEmpty() ? "no error reported" : errors.get(0))
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more errors, which "
                + "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug lists)" : ""));
    }

    private static String describe(IParserError e) {
        StringBuilder sb = new StringBuilder();
        if (e.node() >= 0) {
            sb.append("node ").append(e.node());
            String name = e.nodeName();
            if (name != null && !name.isEmpty()) {
                sb.append(" '").append(name).append('\'');
            }
            String op = e.nodeOperator();
            if (op != null && !op.isEmpty()) {
                sb.append(" (").append(op).append(')');
            }
            sb.append(": ");
        }
        return sb.append(String.valueOf(e.desc()).replaceAll("\\s*\\R\\s*", " ")).toString();
    }
}
