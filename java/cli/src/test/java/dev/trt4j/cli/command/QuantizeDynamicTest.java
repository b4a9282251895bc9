package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.table.CalibrationTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** ONNX Runtime measures a dynamic MatMul's input on each run: the table needs no range for it. */
    @Test
    void aTableWithoutTheDynamicInputsRangeIsEnough() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        CalibrationTable full = CalibrationTable.read(table(model));
        Map<String, Float> rest = new LinkedHashMap<>(full.amaxByTensor());
        String input = ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getNode(0).getInput(0);
        assertThat(rest.remove(input)).isNotNull();
        rest.put("unrelated", 1f);
        Path partial = dir.resolve("partial.table.json");
        new CalibrationTable(rest, full.provenance()).write(partial);
        Path out = dir.resolve("mm.dyn.onnx");

        CliRun dynamic = CliRun.of("quantize", model.toString(), "--table", partial.toString(), "--runtime",
                "onnxruntime-cpu", "--dynamic", "mm", "--out", out.toString());
        CliRun isStatic = CliRun.of("quantize", model.toString(), "--table", partial.toString(), "--runtime",
                "onnxruntime-cpu", "--out", dir.resolve("mm.static.onnx").toString());

        assertThat(dynamic.exitCode()).as(dynamic.err()).isZero();
        assertThat(out).exists();
        assertThat(isStatic.exitCode()).isEqualTo(1);
        assertThat(isStatic.errLines()).containsExactly("trt4j: " + partial + ": lacks 1 of the tensors mm.onnx "
                + "needs: '" + input + "' (calibrate this model again, or use a table made for it)");
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
        CliRun both = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--runtime",
                "onnxruntime-cpu", "--dynamic", "mm", "--exclude", "mm", "--out", out.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines()).containsExactly("trt4j: mm.onnx: the dynamic selection 'mm' picks only MatMuls "
                + "that an exclusion keeps in FP32, so it changes nothing; leave out one of the two");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.errLines()).singleElement().asString().startsWith("trt4j: mm.onnx: --dynamic 'nn'");
        assertThat(out).doesNotExist();
    }
}
