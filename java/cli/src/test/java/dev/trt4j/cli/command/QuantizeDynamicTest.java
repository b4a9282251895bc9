package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code quantize --dynamic}: MatMuls whose input range ONNX Runtime measures on each run. */
class QuantizeDynamicTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path table(Path model) {
        CliRun cal = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max", "--all-tensors",
                "--out", dir.resolve("cal").toString());
        assertThat(cal.exitCode()).as(cal.err()).isZero();
        return dir.resolve("cal").resolve("max.table.json");
    }

    @Test
    void theChosenMatMulIsWrittenAsDynamicQuantizeMatMulAndReported() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("mm.dyn.onnx");

        CliRun run = CliRun.of("quantize", model.toString(), "--table", table(model).toString(), "--runtime",
                "onnxruntime-cpu", "--dynamic", "mm", "--out", out.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("dynamicNodes")).extracting(JsonNode::asText).containsExactly("mm");
        assertThat(json.get("quantizedActivations")).isEmpty();
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        assertThat(written.getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("DynamicQuantizeMatMul");
    }

    @Test
    void theTensorRtLayoutAndASelectionOfNoMatMulAreUsageErrors() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path table = table(model);
        Path out = dir.resolve("x.onnx");

        CliRun tensorRt = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--dynamic", "mm",
                "--out", out.toString());
        CliRun typo = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--runtime",
                "onnxruntime-cpu", "--dynamic", "nn", "--out", out.toString());

        assertThat(tensorRt.exitCode()).isEqualTo(2);
        assertThat(tensorRt.errLines()).containsExactly("trt4j: --dynamic is for --runtime onnxruntime-cpu, not "
                + "tensorrt: TensorRT takes every INT8 range from the model");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.errLines()).singleElement().asString().startsWith("trt4j: mm.onnx: --dynamic 'nn'");
        assertThat(out).doesNotExist();
    }
}
