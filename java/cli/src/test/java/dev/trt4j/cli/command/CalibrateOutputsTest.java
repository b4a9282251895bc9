package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code calibrate} leaves in its folder: every file or none, and with {@code --statistics} the saved statistics
 * reused (options it would ignore refused).
 */
class CalibrateOutputsTest {
    @TempDir
    Path dir;

    @Test
    void savedStatisticsServeOtherMethodsButCollectionOptionsAreRefused() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        CliRun first = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max", "--out",
                dir.resolve("a").toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path statistics = dir.resolve("a").resolve("statistics.json");

        CliRun reuse = CliRun.of("calibrate", model.toString(), "--statistics", statistics.toString(), "--method",
                "entropy", "--out", dir.resolve("b").toString());
        assertThat(reuse.exitCode()).as(reuse.err()).isZero();
        assertThat(dir.resolve("b").resolve("entropy.table.json")).exists();

        CliRun ignored = CliRun.of("calibrate", model.toString(), "--statistics", statistics.toString(),
                "--all-tensors", "--num-bins", "512", "--method", "mse", "--out", dir.resolve("c").toString());
        assertThat(ignored.exitCode()).isNotZero();
        assertThat(ignored.errLines()).containsExactly("trt4j: --statistics " + statistics + " reuses statistics "
                + "already collected, so --all-tensors, --num-bins would have no effect; drop them, or collect again "
                + "without --statistics");
        assertThat(Files.exists(dir.resolve("c"))).isFalse();

        // the model hash still matches after the tensor list was edited: the list itself is checked too
        String json = Files.readString(statistics);
        JsonNode root = new ObjectMapper().readTree(json);
        String firstTensor = root.get("tensors").fieldNames().next();
        Path renamed = Files.writeString(dir.resolve("renamed.json"), json.replace("\"" + firstTensor + "\"",
                "\"no_such_tensor\""));
        ((ObjectNode) root).putObject("tensors");
        Path empty = Files.writeString(dir.resolve("empty.json"), root.toString());
        for (var c : java.util.Map.of(renamed, "tensor 'no_such_tensor' is not in mm.onnx",
                empty, "holds no tensors; there is nothing to calibrate").entrySet()) {
            CliRun run = CliRun.of("calibrate", model.toString(), "--statistics", c.getKey().toString(), "--method",
                    "max", "--out", dir.resolve("d").toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).containsExactly("trt4j: " + c.getKey() + ": " + c.getValue());
        }
        assertThat(Files.exists(dir.resolve("d"))).isFalse();
    }

    /** A table names the settings its method read, histogram collection included, and none it never used. */
    @Test
    void eachTableRecordsTheParametersItsMethodReads() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("p");
        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method",
                "max,entropy,percentile=99.9,mse", "--num-bins", "1024", "--skip-zeros", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        assertThat(parameterNames(out.resolve("max.table.json")))
                .containsExactly("label", "numBits", "unsigned", "statistics");
        assertThat(parameterNames(out.resolve("entropy.table.json"))).containsExactly("label", "numBits", "unsigned",
                "startBin", "stride", "trtEntropyThreshold", "numBins", "skipZeros", "rangePass", "statistics");
        assertThat(parameterNames(out.resolve("percentile-99.9.table.json"))).containsExactly("label", "numBits",
                "unsigned", "percentile", "numBins", "skipZeros", "rangePass", "statistics");
        assertThat(parameterNames(out.resolve("mse.table.json"))).containsExactly("label", "numBits", "unsigned",
                "startBin", "stride", "numBins", "skipZeros", "rangePass", "statistics");
        JsonNode entropy = new ObjectMapper().readTree(out.resolve("entropy.table.json").toFile()).get("provenance")
                .get("parameters");
        assertThat(entropy.get("numBins").asText()).isEqualTo("1024");
        assertThat(entropy.get("skipZeros").asText()).isEqualTo("true");
    }

    private static List<String> parameterNames(Path table) throws IOException {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(table.toFile()).get("provenance").get("parameters").fieldNames()
                .forEachRemaining(names::add);
        return names;
    }

    /** A quantized model calibrates, with a warning: its ranges are the integer graph's, which quantize refuses. */
    @Test
    void calibratingAQuantizedModelWarnsThatItIsQuantizedAlready() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        CliRun fp32 = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                dir.resolve("fp32").toString());
        Path int8 = dir.resolve("mm.int8.onnx");
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table",
                dir.resolve("fp32/max.table.json").toString(), "--out", int8.toString());
        CliRun again = CliRun.of("calibrate", int8.toString(), "--samples", "8", "--method", "max", "--all-tensors",
                "--out", dir.resolve("int8").toString());

        assertThat(fp32.errLines()).isEmpty();
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.errLines()).singleElement().asString().startsWith("trt4j: warning: mm.int8.onnx is "
                + "quantized already (").contains(" DequantizeLinear").endsWith("; its ranges describe that graph, "
                + "which quantize does not take: calibrate the FP32 model to quantize it");

        // quantize says what the model is before it checks whose table it got (--force could not help)
        CliRun twice = CliRun.of("quantize", int8.toString(), "--table", dir.resolve("fp32/max.table.json").toString(),
                "--out", dir.resolve("mm.int8.int8.onnx").toString());
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.errLines()).singleElement().asString().contains("is already quantized (")
                .doesNotContain("--force");

        // an FP16 model: calibrated with a warning, since quantize refuses it too
        Path fp16 = dir.resolve("mm.fp16.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--out", fp16.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        CliRun half = CliRun.of("calibrate", fp16.toString(), "--samples", "8", "--method", "max", "--out",
                dir.resolve("fp16").toString());
        assertThat(half.exitCode()).as(half.err()).isZero();
        assertThat(half.errLines()).singleElement().asString().startsWith("trt4j: warning: model 'mm.fp16.onnx' is "
                + "FP16 (").endsWith("; its ranges describe that graph, which quantize does not take: calibrate the "
                + "FP32 model to quantize it");
        // with --qdq-only (quantize's tensors) it is refused in one line, as a quantized model is
        CliRun halfQdq = CliRun.of("calibrate", fp16.toString(), "--samples", "8", "--method", "max", "--qdq-only",
                "--out", dir.resolve("fp16-qdq").toString());
        assertThat(halfQdq.exitCode()).isEqualTo(1);
        assertThat(halfQdq.errLines()).singleElement().asString().startsWith("trt4j: model 'mm.fp16.onnx' is FP16 (")
                .contains("; --qdq-only picks the tensors quantize would quantize");
        // a command line refused later gets its own line only
        CliRun refused = CliRun.of("calibrate", fp16.toString(), "--samples", "8", "--seq-len", "5", "--out",
                dir.resolve("fp16-seq").toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errLines()).singleElement().asString().startsWith("trt4j: --seq-len 5");

        // --qdq-only asks for quantize's tensor set, which such a model does not have: one line naming the file
        CliRun qdqOnly = CliRun.of("calibrate", int8.toString(), "--samples", "8", "--method", "max", "--qdq-only",
                "--out", dir.resolve("int8-qdq").toString());
        assertThat(qdqOnly.exitCode()).isEqualTo(1);
        assertThat(qdqOnly.errLines()).singleElement().asString().startsWith("trt4j: mm.int8.onnx is quantized "
                + "already (").endsWith("); --qdq-only picks the tensors quantize would quantize, and quantize does "
                + "not take such a model: calibrate the FP32 model, or leave out --qdq-only");
        assertThat(dir.resolve("int8-qdq")).doesNotExist();
    }

    /** The summary shortens long names to keep its columns; --full is for finding tensors and prints them whole. */
    @Test
    void fullPrintsWholeTensorNames() throws IOException {
        String longName = "/encoder/layer.4/attention/output/dense/MatMul_output_0_output_quantized_cast_output";
        ai.onnx.proto.OnnxMl.ModelProto relu = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(TestModels.relu(dir.resolve("relu.onnx"))));
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = relu.getGraph().toBuilder();
        g.setInput(0, g.getInput(0).toBuilder().setName(longName));
        g.setNode(0, g.getNode(0).toBuilder().setInput(0, longName));
        Path model = Files.write(dir.resolve("long.onnx"), relu.toBuilder().setGraph(g).build().toByteArray());

        CliRun summary = CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max",
                "--all-tensors", "--out", dir.resolve("s").toString());
        CliRun full = CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max",
                "--all-tensors", "--full", "--out", dir.resolve("f").toString());

        assertThat(summary.exitCode()).as(summary.err()).isZero();
        assertThat(summary.out()).doesNotContain(longName).contains("…" + longName.substring(longName.length() - 47));
        assertThat(full.exitCode()).as(full.err()).isZero();
        assertThat(full.out().lines()).anyMatch(l -> l.startsWith(longName + "  "));
    }

    @Test
    void aFileThatCannotBeWrittenLeavesNoneOfTheOthers() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("cal");
        Files.createDirectories(out.resolve("mse.cache"));

        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "8", "--out", out.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("trt4j: " + out.resolve("mse.cache") + ": is a folder; cannot "
                + "write the file there (nothing was written)");
        try (var left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("mse.cache");
        }
    }

    @Test
    void aFolderWhereAMethodsFileGoesIsFoundBeforeTheDataIsRead() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("early");
        Path table = Files.createDirectories(out.resolve("entropy.table.json"));

        CliRun run = CliRun.of("calibrate", model.toString(), "--data", dir.resolve("missing").toString(), "--method",
                "max,entropy", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + table + ": is a folder; cannot write the file there "
                + "(nothing was written)");
    }

    @Test
    void anOutputFolderThatCannotBeMadeFailsBeforeTheDataIsRead() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        Path out = file.resolve("cal");

        // the data does not exist either: the output folder is checked first, before any work
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", dir.resolve("missing").toString(), "--out",
                out.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("trt4j: " + out + ": cannot write there: " + file
                + " is a file, not a folder");
    }

    @Test
    void aTensorNameACacheCannotHoldIsRefusedBeforeThePass() throws IOException {
        // the MatMul's input x, renamed with a line break (graph input, node input alike)
        String text = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(TestModels.matMul(
                dir.resolve("mm.onnx")))).toString().replace("\"x\"", "\"x\\nsecond line\"");
        ai.onnx.proto.OnnxMl.ModelProto.Builder b = ai.onnx.proto.OnnxMl.ModelProto.newBuilder();
        com.google.protobuf.TextFormat.merge(text, b);
        Path model = Files.write(dir.resolve("broken-name.onnx"), b.build().toByteArray());

        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max", "--out",
                dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + model + ": tensor 'x\\u000asecond line' has a line "
                + "break in its name, which a TensorRT calibration cache (one line per tensor) cannot hold; rename the "
                + "tensor in the model");
        assertThat(dir.resolve("out")).doesNotExist();

        CliRun sevenBits = CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max", "--num-bits",
                "7", "--out", dir.resolve("seven").toString());
        assertThat(sevenBits.exitCode()).as(sevenBits.err()).isZero(); // a table without a cache takes any name
    }

    @Test
    void aFloat16InputIsFedFromFloat16OrFloat32DataAndRandomData() throws IOException {
        // x float16 [N,4] → Cast to float → MatMul(w [4,4]) → y
        ai.onnx.proto.OnnxMl.ModelProto matMul = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(
                TestModels.matMul(dir.resolve("mm.onnx"))));
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = matMul.getGraph().toBuilder();
        g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(10); // FLOAT16
        g.setNode(0, g.getNode(0).toBuilder().setInput(0, "xf"));
        g.addNode(0, ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Cast").setName("cast").addInput("x")
                .addOutput("xf").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        Path model = Files.write(dir.resolve("half.onnx"), matMul.toBuilder().setGraph(g).build().toByteArray());
        // two samples of float16 bits: 1, 0.5, -7, 12 and four 1s
        short[] bits = {0x3C00, 0x3800, (short) 0xC700, 0x4A00, 0x3C00, 0x3C00, 0x3C00, 0x3C00};
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (short b : bits) {
            bytes.putShort(b);
        }
        Path samples = dir.resolve("half.npy");
        dev.trt4j.data.npy.NpyFile.write(samples, new dev.trt4j.data.npy.NpyArray(dev.trt4j.data.npy.NpyDtype.FLOAT16,
                new long[] {2, 4}, bytes.array()));

        CliRun fromFile = CliRun.of("calibrate", model.toString(), "--data", samples.toString(), "--batch", "1",
                "--method", "max", "--out", dir.resolve("half").toString(), "--json");
        CliRun random = CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max", "--out",
                dir.resolve("half-random").toString());

        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        JsonNode table = new ObjectMapper().readTree(dir.resolve("half").resolve("max.table.json").toFile());
        assertThat(table.at("/tensors/xf/amax").asDouble()).isEqualTo(12.0);
        assertThat(random.exitCode()).as(random.err()).isZero();
    }
}
