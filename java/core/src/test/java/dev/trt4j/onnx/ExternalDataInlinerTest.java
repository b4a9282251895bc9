package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalDataInlinerTest {
    @TempDir
    Path dir;

    @Test
    void refusesALinkThatLeadsOutOfTheModelsFolder() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path secret = Files.write(dir.resolve("secret.bin"), w1Bytes());
        Files.createSymbolicLink(models.resolve("w.bin"), secret);
        Path file = TestModels.write(externalW1("w.bin", null, null), models, "m.onnx");

        assertThatThrownBy(() -> OnnxModel.load(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": tensor 'w1' names external data 'w.bin', a link to " + secret.toRealPath()
                        + " outside the model's folder");
    }

    @Test
    void followsALinkThatStaysInTheFolderAndAFolderThatIsALink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.write(real.resolve("data.bin"), w1Bytes());
        Files.createSymbolicLink(real.resolve("w.bin"), real.resolve("data.bin"));
        TestModels.write(externalW1("w.bin", null, null), real, "m.onnx");
        Path linkedFolder = Files.createSymbolicLink(dir.resolve("linked"), real);

        OnnxModel model = OnnxModel.load(linkedFolder.resolve("m.onnx"));

        assertThat(model.weight("w1").orElseThrow().data()).containsExactly(TestModels.MLP_W1);
    }

    @Test
    void withoutALengthReadsTheTensorsSizeNotTheRestOfTheFile() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.put(w1Bytes());
        Files.write(dir.resolve("w.bin"), b.array());
        Path file = TestModels.write(externalW1("w.bin", null, null), dir, "m.onnx");

        OnnxModel model = OnnxModel.load(file);

        assertThat(model.weight("w1").orElseThrow().data()).containsExactly(TestModels.MLP_W1);
        assertThat(model.proto().getGraph().getInitializer(0).getRawData().size()).isEqualTo(48);
    }

    @Test
    void readsSparseInitializersAndFunctionConstantsIn() throws Exception {
        Files.write(dir.resolve("w.bin"), w1Bytes());
        ModelProto mlp = TestModels.mlp();
        TensorProto values = external(TensorProto.newBuilder().setName("s").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(12), "w.bin", null, null);
        TensorProto indices = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(12)
                .addAllInt64Data(LongStream.range(0, 12).boxed().toList()).build();
        NodeProto constant = NodeProto.newBuilder().setOpType("Constant").addOutput("c")
                .addAttribute(TestGraph.tensorAttribute("value", external(TensorProto.newBuilder().setName("c")
                        .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4).addDims(3), "w.bin", null, null)))
                .build();
        ModelProto model = mlp.toBuilder()
                .setGraph(mlp.getGraph().toBuilder().addSparseInitializer(SparseTensorProto.newBuilder()
                        .setValues(values).setIndices(indices).addDims(12)))
                .addFunctions(FunctionProto.newBuilder().setName("f").setDomain("local").addOutput("c")
                        .addNode(constant))
                .build();
        Path file = TestModels.write(model, dir, "m.onnx");

        ModelProto loaded = OnnxModel.load(file).proto();

        assertThat(loaded.toString()).doesNotContain("EXTERNAL").doesNotContain("w.bin");
        assertThat(loaded.getGraph().getSparseInitializer(0).getValues().getRawData().size()).isEqualTo(48);
        assertThat(loaded.getFunctions(0).getNode(0).getAttribute(0).getT().getRawData().toByteArray())
                .isEqualTo(w1Bytes());
    }

    @Test
    void namesWhatIsWrongWithALocationOffsetOrLength() throws Exception {
        Files.write(dir.resolve("w.bin"), w1Bytes());
        Files.createDirectories(dir.resolve("sub"));
        assertThat(error(externalW1("w.bin", "100", null)))
                .endsWith(": tensor 'w1': external data 'w.bin' has 48 bytes, fewer than its offset 100");
        assertThat(error(externalW1("w.bin", String.valueOf(Long.MAX_VALUE), "1")))
                .endsWith("has 48 bytes, fewer than its offset " + Long.MAX_VALUE);
        assertThat(error(externalW1("w.bin", "8", "48")))
                .endsWith("has 48 bytes, too few for offset 8 and length 48");
        assertThat(error(externalW1("w.bin", null, "-48")))
                .endsWith(": tensor 'w1' has external data length -48, which is negative");
        assertThat(error(externalW1("w\0.bin", null, null)))
                .endsWith(": tensor 'w1' names external data 'w?.bin', which holds a NUL character");
        assertThat(error(externalW1("sub", null, null)))
                .endsWith(": tensor 'w1': external data 'sub' is a folder, not a file");
        assertThat(error(externalW1("w.bin", null, "16")))
                .endsWith(": initializer 'w1' holds 16 bytes but its shape [4, 3] of FLOAT needs 48");
    }

    @Test
    void newWeightsInTheDataFileGiveANewHashThoughTheModelFileIsTheSame() throws Exception {
        ByteBuffer padded = ByteBuffer.allocate(100);
        padded.put(w1Bytes());
        Files.write(dir.resolve("w.bin"), padded.array());
        Path file = TestModels.write(externalW1("w.bin", null, null), dir, "m.onnx");
        String before = OnnxModel.load(file).sha256();
        assertThat(before).as("the data are part of it").isNotEqualTo(Provenance.sha256(file));

        byte[] changed = padded.array().clone();
        changed[5] ^= 0x40; // one weight of w1
        Files.write(dir.resolve("w.bin"), changed);
        assertThat(OnnxModel.load(file).sha256()).isNotEqualTo(before);

        Files.write(dir.resolve("w.bin"), padded.array());
        assertThat(OnnxModel.load(file).sha256()).isEqualTo(before);
        padded.put(60, (byte) 1); // past w1's 48 bytes: bytes no tensor reads
        Files.write(dir.resolve("w.bin"), padded.array());
        assertThat(OnnxModel.load(file).sha256()).isEqualTo(before);

        Path inline = TestModels.write(TestModels.mlp(), dir, "inline.onnx");
        assertThat(OnnxModel.load(inline).sha256()).as("a model without external data: its file's hash")
                .isEqualTo(Provenance.sha256(inline));
    }

    /** evaluate opens models with ONNX Runtime alone; its refusal of missing data is internal text. */
    @Test
    void evaluationNamesMissingExternalDataAsEveryCommandDoes() throws Exception {
        Path file = TestModels.write(externalW1("w.bin", null, null), dir, "m.onnx");

        assertThatThrownBy(() -> dev.trt4j.evaluate.Evaluator.open(file,
                dev.trt4j.evaluate.EvaluationOptions.defaults()).close()).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": tensor 'w1': external data file 'w.bin' not found in " + dir);
    }

    private String error(ModelProto model) {
        Path file = TestModels.write(model, dir, "m.onnx");
        try {
            OnnxModel.load(file);
        } catch (Trt4jException e) {
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n").doesNotContain("\0");
            return e.getMessage();
        }
        throw new AssertionError("loaded " + file);
    }

    private static byte[] w1Bytes() {
        ByteBuffer b = ByteBuffer.allocate(4 * TestModels.MLP_W1.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : TestModels.MLP_W1) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static ModelProto externalW1(String location, String offset, String length) {
        ModelProto mlp = TestModels.mlp();
        TensorProto w1 = external(mlp.getGraph().getInitializer(0).toBuilder().clearRawData(), location, offset,
                length);
        return mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, w1)).build();
    }

    private static TensorProto external(TensorProto.Builder t, String location, String offset, String length) {
        t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        if (length != null) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
        }
        return t.build();
    }
}
