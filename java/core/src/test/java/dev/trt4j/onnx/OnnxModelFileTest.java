package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.StagedWrites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model trt4j writes goes to one file while it fits one protobuf, and with its weights in one data file beside it
 * when it does not or when asked. The 2 GiB limit is lowered here, so that a 140 KB model stands for a larger one.
 */
class OnnxModelFileTest {
    private static final int IN = 128;
    private static final int OUT = 256;
    /** Above the graph alone, below the model with its 130 KiB of weights inline. */
    private static final long LIMIT = 64 * 1024;

    @TempDir
    Path dir;
    private ModelProto model;

    @BeforeEach
    void buildModel() {
        Random random = new Random(5);
        float[] w = new float[IN * OUT];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        float[] b = new float[OUT]; // 1024 bytes: the smallest size that moves
        float[] scale = new float[OUT / 2]; // 512 bytes: stays
        for (int i = 0; i < b.length; i++) {
            b[i] = i;
        }
        java.util.Arrays.fill(scale, 0.5f);
        model = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, IN)
                .initializer("w", new long[] {IN, OUT}, w)
                .initializer("b", new long[] {OUT}, b)
                .constant("c", new long[] {OUT}, b)
                .constant("s", new long[] {2, OUT / 4}, scale)
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Add", List.of("h", "b"), List.of("a"))
                .node("Add", List.of("a", "c"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, OUT)
                .build(13);
    }

    @Test
    void aModelThatFitsIsWrittenInlineByteForByte() throws Exception {
        Path out = dir.resolve("m.onnx");

        OnnxModelFile.Written written = OnnxModelFile.write(out, model, false, LIMIT * 4);

        assertThat(written.dataFile()).isEmpty();
        assertThat(Files.readAllBytes(out)).isEqualTo(model.toByteArray());
        assertThat(dir.resolve("m.onnx.data")).doesNotExist();
    }

    /**
     * A study's folder (sensitivity's partial model beside its report): staged, the model past the limit and its
     * data file appear together with the folder's other files, and name the data file as it is once committed.
     */
    @Test
    void aStagedModelPastTheLimitArrivesWithItsDataFileOnCommit() throws Exception {
        Path folder = dir.resolve("study");
        OnnxModelFile.Written written;
        try (StagedWrites files = StagedWrites.in(folder)) {
            written = OnnxModelFile.stage(files, "m.onnx", model, false, LIMIT);
            assertThat(folder.resolve("m.onnx")).as("nothing before the commit").doesNotExist();
            files.commit();
        }

        assertThat(written.model()).isEqualTo(folder.resolve("m.onnx"));
        assertThat(written.dataFile()).contains(folder.resolve("m.onnx.data"));
        assertThat(Files.size(folder.resolve("m.onnx.data"))).isEqualTo(written.dataBytes()).isPositive();
        assertThat(keys(ModelProto.parseFrom(Files.readAllBytes(folder.resolve("m.onnx"))).getGraph()
                .getInitializer(0))).containsEntry("location", "m.onnx.data");
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left).as("no staging folder left").containsExactlyInAnyOrder(folder.resolve("m.onnx"),
                    folder.resolve("m.onnx.data"));
        }
    }

    @Test
    void aStagedModelWithinTheLimitIsWrittenInlineByteForByte() throws Exception {
        Path folder = dir.resolve("small");
        OnnxModelFile.Written written;
        try (StagedWrites files = StagedWrites.in(folder)) {
            written = OnnxModelFile.stage(files, "m.onnx", model, false, LIMIT * 4);
            files.commit();
        }

        assertThat(written.dataFile()).isEmpty();
        assertThat(Files.readAllBytes(folder.resolve("m.onnx"))).isEqualTo(model.toByteArray());
        assertThat(folder.resolve("m.onnx.data")).doesNotExist();
    }

    @Test
    void aModelPastTheLimitGetsItsWeightsInOneAlignedDataFile() throws Exception {
        Path out = dir.resolve("m.onnx");

        OnnxModelFile.Written written = OnnxModelFile.write(out, model, false, LIMIT);

        Path data = dir.resolve("m.onnx.data");
        assertThat(written.dataFile()).contains(data);
        ModelProto file = ModelProto.parseFrom(Files.readAllBytes(out));
        TensorProto w = file.getGraph().getInitializer(0);
        TensorProto b = file.getGraph().getInitializer(1);
        TensorProto c = constant(file, "c");
        assertThat(keys(w)).isEqualTo(Map.of("location", "m.onnx.data", "offset", "0", "length", "131072"));
        assertThat(keys(b)).isEqualTo(Map.of("location", "m.onnx.data", "offset", "131072", "length", "1024"));
        assertThat(keys(c)).as("a Constant's value, aligned after b's 1024 bytes")
                .isEqualTo(Map.of("location", "m.onnx.data", "offset", "135168", "length", "1024"));
        for (TensorProto t : List.of(w, b, c)) {
            assertThat(t.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
            assertThat(t.getRawData().isEmpty()).isTrue();
            assertThat(Long.parseLong(keys(t).get("offset")) % ExternalDataWriter.ALIGNMENT).isZero();
        }
        assertThat(constant(file, "s").getRawData().size()).as("512 bytes stay in the graph").isEqualTo(512);
        assertThat(Files.size(data)).isEqualTo(135168 + 1024).isEqualTo(written.dataBytes());
        assertThat(Files.size(out)).isLessThan(LIMIT);
        byte[] bytes = Files.readAllBytes(data);
        assertThat(ByteString.copyFrom(bytes, 131072, 1024)).isEqualTo(model.getGraph().getInitializer(1).getRawData());
        assertThat(ByteString.copyFrom(bytes, 132096, 135168 - 132096).toByteArray()).containsOnly(0);
    }

    @Test
    void valuesInTypedFieldsMoveAsLittleEndianBytes() throws Exception {
        TensorProto.Builder typed = TensorProto.newBuilder().setName("t").setDataType(TestGraph.FLOAT).addDims(OUT);
        TensorProto.Builder ids = TensorProto.newBuilder().setName("i").setDataType(TestGraph.INT64).addDims(OUT);
        for (int i = 0; i < OUT; i++) {
            typed.addFloatData(i * 0.25f - 3);
            ids.addInt64Data(i * 1_000_000_007L);
        }
        ModelProto m = model.toBuilder().setGraph(model.getGraph().toBuilder().addInitializer(typed)
                .addInitializer(ids)).build();
        Path out = dir.resolve("typed.onnx");

        OnnxModelFile.write(out, m, true);

        ModelProto file = ModelProto.parseFrom(Files.readAllBytes(out));
        TensorProto t = file.getGraph().getInitializer(2);
        assertThat(t.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
        assertThat(t.getFloatDataCount()).as("moved, not kept twice").isZero();
        OnnxModel back = OnnxModel.load(out);
        assertThat(back.weight("t").orElseThrow().data()).containsExactly(FloatTensorDecoder.decode(typed.build(),
                "t"));
        java.nio.ByteBuffer raw = back.proto().getGraph().getInitializer(3).getRawData().asReadOnlyByteBuffer()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.remaining()).isEqualTo(8 * OUT);
        for (int i = 0; i < OUT; i++) {
            assertThat(raw.getLong()).isEqualTo(i * 1_000_000_007L);
        }
    }

    @Test
    void theWrittenModelLoadsBackWithTheSameWeightsAndOneHashInEveryMode() {
        Path out = dir.resolve("m.onnx");
        OnnxModelFile.write(out, model, true);

        OnnxModel all = OnnxModel.loadWithAllWeights(out);
        OnnxModel whole = OnnxModel.load(out);
        OnnxModel large = OnnxModel.load(out, LIMIT);

        assertThat(all.proto().getGraph()).as("every weight read back as it was")
                .isEqualTo(model.getGraph());
        assertThat(whole.proto().getGraph()).isEqualTo(model.getGraph());
        assertThat(large.externalDataFolder()).as("the lowered limit keeps w in its file").isPresent();
        assertThat(all.sha256()).isEqualTo(whole.sha256()).isEqualTo(large.sha256());
        assertThat(all.externalDataFiles()).containsExactly(dir.resolve("m.onnx.data").toAbsolutePath().normalize());
    }

    @Test
    void loadingWithAllWeightsReadsInWhatTheLimitWouldLeaveInTheFiles() {
        Path out = dir.resolve("m.onnx");
        OnnxModelFile.write(out, model, true);

        OnnxModel all = OnnxModel.load(out, ExternalDataInliner.NO_LIMIT);

        assertThat(all.externalDataFolder()).isEmpty();
        assertThat(ExternalTensors.referencedBy(all.proto())).isFalse();
        assertThat(OnnxModelFile.needsExternalData(all.proto())).isFalse();
    }

    @Test
    void aStaleDataFileIsReplacedWithTheModel() throws Exception {
        Path out = dir.resolve("m.onnx");
        Files.write(dir.resolve("m.onnx.data"), new byte[] {1, 2, 3});

        OnnxModelFile.write(out, model, true);

        assertThat(Files.size(dir.resolve("m.onnx.data"))).isEqualTo(136192);
        assertThat(OnnxModel.load(out).proto().getGraph()).isEqualTo(model.getGraph());
    }

    /**
     * A rerun without external data never removes the data file beside its output, even where the model it replaces
     * named it: a copy of that model, or the run's own input, may read it (a review lost a backup's weights so), or
     * it may be a link to weights shared elsewhere. Written or staged alike.
     */
    @Test
    void anInlineRerunLeavesTheDataFileOfTheModelItReplaces() throws Exception {
        Path out = dir.resolve("m.onnx");
        OnnxModelFile.write(out, model, true);
        Path data = dir.resolve("m.onnx.data");
        byte[] weights = Files.readAllBytes(data);
        Path backup = dir.resolve("backup.onnx");
        Files.copy(out, backup); // reads m.onnx.data too

        OnnxModelFile.Written written = OnnxModelFile.write(out, model, false, LIMIT * 4);

        assertThat(written.dataFile()).isEmpty();
        assertThat(Files.readAllBytes(out)).isEqualTo(model.toByteArray());
        assertThat(Files.readAllBytes(data)).isEqualTo(weights);
        assertThat(OnnxModel.load(backup).proto().getGraph().getInitializerList())
                .isEqualTo(OnnxModel.load(out).proto().getGraph().getInitializerList());

        Path folder = dir.resolve("study");
        try (StagedWrites files = StagedWrites.in(folder)) {
            OnnxModelFile.stage(files, "m.onnx", model, true, LIMIT * 4);
            files.commit();
        }
        try (StagedWrites files = StagedWrites.in(folder)) {
            OnnxModelFile.stage(files, "m.onnx", model, false, LIMIT * 4);
            files.commit();
        }
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("m.onnx", "m.onnx.data");
        }
    }

    /** An OUT.data the model being replaced does not name is the user's: an inline write leaves it alone. */
    @Test
    void aDataFileTheReplacedModelDoesNotNameIsLeftAlone() throws Exception {
        Path out = dir.resolve("m.onnx");
        Files.write(out, model.toByteArray()); // inline: names no data file
        Files.writeString(dir.resolve("m.onnx.data"), "the user's");
        Path other = dir.resolve("n.onnx");
        Files.writeString(other, "not a model");
        Files.writeString(dir.resolve("n.onnx.data"), "the user's too");

        OnnxModelFile.write(out, model, false, LIMIT * 4);
        OnnxModelFile.write(other, model, false, LIMIT * 4);

        assertThat(dir.resolve("m.onnx.data")).hasContent("the user's");
        assertThat(dir.resolve("n.onnx.data")).hasContent("the user's too");
    }

    /**
     * External data asked for on a model with no tensor of 1 KiB or more: written inline, with no empty data file
     * (it wrote a 0-byte one), and the result says why.
     */
    @Test
    void externalDataWithNothingToMoveWritesTheModelInline() throws Exception {
        ModelProto small = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 4)
                .initializer("b", new long[] {4}, new float[] {1, 2, 3, 4})
                .node("Add", List.of("x", "b"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 4)
                .build(13);
        Path out = dir.resolve("s.onnx");

        OnnxModelFile.Written written = OnnxModelFile.write(out, small, true);

        assertThat(written.dataFile()).isEmpty();
        assertThat(written.nothingToMove()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(small.toByteArray());
        assertThat(dir.resolve("s.onnx.data")).doesNotExist();

        Path folder = dir.resolve("study");
        try (StagedWrites files = StagedWrites.in(folder)) {
            written = OnnxModelFile.stage(files, "s.onnx", small, true);
            files.commit();
        }
        assertThat(written.dataFile()).isEmpty();
        assertThat(written.nothingToMove()).isTrue();
        assertThat(folder.resolve("s.onnx.data")).doesNotExist();
        assertThat(OnnxModelFile.write(dir.resolve("m.onnx"), model, true).nothingToMove()).isFalse();
    }

    @Test
    void noDataFileIsLeftWhenTheModelCannotBeWritten() throws Exception {
        Path out = Files.createDirectory(dir.resolve("m.onnx"));

        assertThatThrownBy(() -> OnnxModelFile.write(out, model, true))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("m.onnx: cannot write: is a folder");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("m.onnx");
        }
    }

    @Test
    void aGraphPastTheLimitEvenWithoutItsWeightsIsRefusedInOneLine() {
        Path out = dir.resolve("m.onnx");

        assertThatThrownBy(() -> OnnxModelFile.write(out, model, true, 512))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(out + ": the model would be 0.00 GB even with every tensor of 1024 bytes or "
                        + "more in m.onnx.data, more than the 2 GiB")
                .hasMessageNotContaining("\n");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("m.onnx.data")).doesNotExist();
    }

    @Test
    void aModelStillReferringToAnotherModelsDataIsRefused() {
        ModelProto split = ExternalDataWriter.split(model, "other.data").model();

        assertThatThrownBy(() -> OnnxModelFile.write(dir.resolve("m.onnx"), split, true))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("still refers to weights in another model's data files");
    }

    private static TensorProto constant(ModelProto m, String name) {
        NodeProto node = m.getGraph().getNodeList().stream().filter(n -> n.getOutput(0).equals(name)).findFirst()
                .orElseThrow();
        return node.getAttribute(0).getT();
    }

    private static Map<String, String> keys(TensorProto t) {
        return t.getExternalDataList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    }
}
