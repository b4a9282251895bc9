package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model that would exceed protobuf's 2 GiB with its weights read in keeps its large tensors in their files, and
 * what reads only the graph still works on it. The limit is lowered here, so that a 130 KB model stands for one of
 * several gigabytes.
 */
class LargeModelExternalDataTest {
    private static final int IN = 128;
    private static final int OUT = 256;
    /** Below the model with its weights (about 130 KiB), above the model file alone. */
    private static final long LIMIT = 64 * 1024;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void writeModelWithExternalWeights() throws Exception {
        Random random = new Random(11);
        float[] w = new float[IN * OUT];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.1f;
        }
        float[] b = new float[OUT];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        ModelProto inline = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, IN)
                .initializer("w", new long[] {IN, OUT}, w)
                .initializer("b", new long[] {OUT}, b)
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Add", List.of("h", "b"), List.of("a"))
                .node("Relu", List.of("a"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, OUT)
                .build(13);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        GraphProto.Builder g = inline.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            long offset = data.size();
            t.getRawData().writeTo(data);
            g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", "weights.bin"))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(t.getRawData().size()))));
        }
        Files.write(dir.resolve("weights.bin"), data.toByteArray());
        file = TestModels.write(inline.toBuilder().setGraph(g).build(), dir, "large.onnx");
    }

    @Test
    void keepsLargeTensorsInTheirFilesAndReadsSmallOnesInWithTheSameHash() {
        OnnxModel whole = OnnxModel.load(file);
        OnnxModel large = OnnxModel.load(file, LIMIT);

        assertThat(whole.externalDataFolder()).isEmpty();
        assertThat(large.externalDataFolder()).contains(dir.toAbsolutePath());
        TensorProto w = large.proto().getGraph().getInitializer(0);
        TensorProto b = large.proto().getGraph().getInitializer(1);
        assertThat(w.getDataLocation()).as("128 KiB: left in its file").isEqualTo(TensorProto.DataLocation.EXTERNAL);
        assertThat(b.getDataLocation()).as("1 KiB: read in").isEqualTo(TensorProto.DataLocation.DEFAULT);
        assertThat(b.getRawData()).isEqualTo(whole.proto().getGraph().getInitializer(1).getRawData());
        assertThat(large.sha256()).as("the weights are hashed where they lie").isEqualTo(whole.sha256());
        assertThat(large.parameterCount()).isEqualTo(whole.parameterCount());
        assertThat(large.quantizableActivationTensors()).isEqualTo(whole.quantizableActivationTensors());
        assertThat(large.externalDataFiles()).containsExactly(dir.resolve("weights.bin").toAbsolutePath().normalize());
    }

    @Test
    void activationStatisticsAreThoseOfTheModelWithItsWeightsReadIn() {
        OnnxModel whole = OnnxModel.load(file);
        OnnxModel large = OnnxModel.load(file, LIMIT);
        StatisticsOptions options = StatisticsOptions.defaults().withThreads(1);

        ActivationStatistics expected = new ActivationStatisticsCollector(whole, whole.allActivationTensors(), options)
                .collect(source());
        ActivationStatistics actual = new ActivationStatisticsCollector(large, large.allActivationTensors(), options)
                .collect(source());

        assertThat(actual.tensors()).isEqualTo(expected.tensors());
        assertThat(actual.tensor("y").orElseThrow().count()).isEqualTo(3L * 8 * OUT);
    }

    @Test
    void aWeightsValuesKeptInItsFileAreRefusedInOneLine() {
        OnnxModel large = OnnxModel.load(file, LIMIT);

        assertThatThrownBy(() -> large.weight("w").orElseThrow().data()).isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("weight 'w' keeps its data in an external file (the model exceeds 2 GiB with "
                        + "it read in); its values are read only for models up to 2 GiB");
        assertThat(OnnxModel.load(file).weight("w").orElseThrow().data()).as("within the limit: read in").isNotNull();
    }

    @Test
    void aLengthThatDisagreesWithTheShapeIsNamedBeforeOnnxRuntimeReadsIt() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        GraphProto.Builder g = model.getGraph().toBuilder();
        TensorProto.Builder w = g.getInitializer(0).toBuilder();
        w.setExternalData(2, entry("length", Long.toString(4L * IN * OUT - 4)));
        g.setInitializer(0, w);
        Path shorter = TestModels.write(model.toBuilder().setGraph(g).build(), dir, "short.onnx");

        assertThatThrownBy(() -> OnnxModel.load(shorter, LIMIT)).isInstanceOf(Trt4jException.class)
                .hasMessage(shorter + ": tensor 'w': external data 'weights.bin' gives 131068 bytes but its shape "
                        + "[128, 256] of FLOAT needs 131072");
    }

    /**
     * PaddlePaddle's exports keep weights in Constant nodes: one left in its data file must be cut from the graph
     * ONNX Runtime's operator check loads (handed over as bytes, it would be looked for beside the working folder),
     * so that the check still finds a shape contradiction.
     */
    @Test
    void theOperatorCheckCutsAConstantNodeLeftInItsFileAndStillFindsAContradiction() throws Exception {
        float[] w = new float[100 * OUT];
        ModelProto inline = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, IN)
                .constant("w", new long[] {100, OUT}, w)
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, OUT)
                .build(13);
        GraphProto.Builder g = inline.getGraph().toBuilder();
        ai.onnx.proto.OnnxMl.NodeProto.Builder constant = g.getNode(0).toBuilder();
        TensorProto value = constant.getAttribute(0).getT();
        Files.write(dir.resolve("constant.bin"), value.getRawData().toByteArray());
        constant.setAttribute(0, constant.getAttribute(0).toBuilder().setT(value.toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", "constant.bin"))
                .addExternalData(entry("length", Long.toString(value.getRawData().size())))));
        g.setNode(0, constant);
        Path mismatched = TestModels.write(inline.toBuilder().setGraph(g).build(), dir, "constant.onnx");
        OnnxModel large = OnnxModel.load(mismatched, LIMIT);
        assertThat(large.externalDataFolder()).isPresent();

        assertThatThrownBy(() -> dev.trt4j.quantize.OperatorCheck.require(large.proto(), "constant.onnx", null))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("constant.onnx: ONNX Runtime refuses the model: ");
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static CalibrationDataSource source() {
        Random random = new Random(5);
        List<Batch> batches = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            float[] x = new float[8 * IN];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            batches.add(new Batch(8, Map.of("x", HostTensor.ofFloats(new long[] {8, IN}, x))));
        }
        Iterator<Batch> it = batches.iterator();
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
            }

            @Override
            public Optional<Long> sampleCount() {
                return Optional.of(24L);
            }

            @Override
            public String describe() {
                return "test batches";
            }
        };
    }
}
