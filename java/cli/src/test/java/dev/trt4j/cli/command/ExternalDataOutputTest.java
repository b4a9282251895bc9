package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --external-data} on the commands that write a model (the studies' models too): the weights go to one data
 * file beside the output, and ONNX Runtime gives the same outputs as for the model written inline.
 */
class ExternalDataOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path table;

    @BeforeAll
    static void calibrate() {
        model = DefaultModel.file();
        CliRun run = CliRun.of("calibrate", "--samples", "16", "--method", "max", "--out",
                dir.resolve("cal").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        table = dir.resolve("cal").resolve("max.table.json");
    }

    @Test
    void quantizeWritesTheSameModelWithItsWeightsBesideIt() throws Exception {
        Path inline = dir.resolve("q.onnx");
        Path external = dir.resolve("q-ext.onnx");
        run("quantize", model.toString(), "--table", table.toString(), "--out", inline.toString());
        JsonNode r = JSON.readTree(run("quantize", model.toString(), "--table", table.toString(), "--out",
                external.toString(), "--external-data", "--json").out());

        assertThat(r.get("externalData").asText()).isEqualTo(external + ".data");
        assertSameModel(inline, external);
    }

    @Test
    void convertToFp16WritesTheSameModelWithItsWeightsBesideIt() throws Exception {
        Path inline = dir.resolve("h.onnx");
        Path external = dir.resolve("h-ext.onnx");
        CliRun plain = run("convert", model.toString(), "--fp16", "--out", inline.toString(), "--json");
        CliRun text = run("convert", model.toString(), "--fp16", "--out", external.toString(), "--external-data");

        assertThat(JSON.readTree(plain.out()).get("externalData").isNull()).as("present, null when inline").isTrue();
        assertThat(text.out()).contains("Weights in h-ext.onnx.data (");
        assertSameModel(inline, external);
    }

    @Test
    void equalizeWritesTheSameModelWithItsWeightsBesideIt() throws Exception {
        Path inline = dir.resolve("e.onnx");
        Path external = dir.resolve("e-ext.onnx");
        run("equalize", model.toString(), "--samples", "16", "--out", inline.toString());
        run("equalize", model.toString(), "--samples", "16", "--out", external.toString(), "--external-data");

        assertSameModel(inline, external);
    }

    /**
     * The studies write their models (sensitivity's partial model, --equalize's equalized one) as the writing
     * commands do: with --external-data, as a model past 2 GiB gets them anyway, the weights go beside each, and the
     * report is the one written inline.
     */
    @Test
    void sensitivityWritesThePartialAndEqualizedModelsWithTheirWeightsBesideThem() throws Exception {
        Path inline = dir.resolve("sens");
        Path external = dir.resolve("sens-ext");
        // the Convs excluded: the one layer left is ranked, and the partial model keeps every weight
        List<String> study = List.of("sensitivity", model.toString(), "--samples", "16", "--eval-samples", "16",
                "--exclude", "Conv", "--equalize", "--target", "1", "--threads", "2");
        run(concat(study, "--out", inline.toString()));
        CliRun text = run(concat(study, "--out", external.toString(), "--external-data"));

        String stem = model.getFileName().toString().replace(".onnx", "");
        assertThat(text.out()).contains("Weights in " + stem + ".partial.int8.onnx.data (")
                .contains("Weights in " + stem + ".eq.onnx.data (");
        assertSameModel(inline.resolve(stem + ".partial.int8.onnx"), external.resolve(stem + ".partial.int8.onnx"));
        assertSameModel(inline.resolve(stem + ".eq.onnx"), external.resolve(stem + ".eq.onnx"));
        assertThat(Files.readString(external.resolve("sensitivity.json")))
                .isEqualTo(Files.readString(inline.resolve("sensitivity.json")));
    }

    @Test
    void compareCalibratorsWritesTheEqualizedModelWithItsWeightsBesideIt() throws Exception {
        Path inline = dir.resolve("cmp");
        Path external = dir.resolve("cmp-ext");
        List<String> study = List.of("compare-calibrators", model.toString(), "--equalize", "--methods", "max",
                "--samples", "16", "--eval-samples", "16", "--threads", "2");
        run(concat(study, "--out", inline.toString()));
        CliRun text = run(concat(study, "--out", external.toString(), "--external-data"));

        String eq = model.getFileName().toString().replace(".onnx", ".eq.onnx");
        assertThat(text.out()).contains("Weights in " + eq + ".data (");
        assertSameModel(inline.resolve(eq), external.resolve(eq));
        assertThat(Files.readString(external.resolve("comparison.json")))
                .isEqualTo(Files.readString(inline.resolve("comparison.json")));
    }

    @Test
    void theStudiesRefuseExternalDataWhereTheyWriteNoModel() {
        CliRun sensitivity = CliRun.of("sensitivity", model.toString(), "--external-data");
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--external-data");

        assertThat(sensitivity.exitCode()).isEqualTo(2);
        assertThat(sensitivity.errLines()).containsExactly("trt4j: --external-data applies only where the run "
                + "writes a model (--target or --equalize)");
        assertThat(compare.exitCode()).isEqualTo(2);
        assertThat(compare.errLines()).containsExactly("trt4j: --external-data applies only where the run writes "
                + "a model (--equalize)");
    }

    private static String[] concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /**
     * A model with no tensor of 1 KiB or more gets no empty data file, and one line says so; a data file's size is
     * printed in the unit it reaches (every small model's read "(0.00 GB)").
     */
    @Test
    void nothingToMoveIsWrittenInlineAndSizesAreReadable() throws Exception {
        Path small = dev.trt4j.cli.TestModels.matMul(dir.resolve("tiny.onnx"));
        Path out = dir.resolve("tiny-ext.onnx");
        CliRun tiny = run("convert", small.toString(), "--fold", "--out", out.toString(), "--external-data");
        assertThat(tiny.out()).contains("tiny-ext.onnx written inline, with no data file: no tensor of 1 KiB or more "
                + "to move");
        assertThat(Path.of(out + ".data")).doesNotExist();

        CliRun text = run("convert", model.toString(), "--fp16", "--out", dir.resolve("r.onnx").toString(),
                "--external-data");
        assertThat(text.out()).containsPattern("Weights in r.onnx.data \\([0-9.]+ (kB|MB)\\)")
                .doesNotContain("0.00 GB");
    }

    @Test
    void aStaleDataFileFromAnEarlierRunIsReplaced() throws Exception {
        Path inline = dir.resolve("s.onnx");
        Path external = dir.resolve("s-ext.onnx");
        Files.write(dir.resolve("s-ext.onnx.data"), new byte[] {7, 7, 7});
        run("convert", model.toString(), "--fold", "--out", inline.toString());
        run("convert", model.toString(), "--fold", "--out", external.toString(), "--external-data");

        assertThat(Files.size(dir.resolve("s-ext.onnx.data"))).isGreaterThan(100_000);
        assertSameModel(inline, external);
    }

    @Test
    void theDataFileMustNotReplaceOneTheInputReads() throws Exception {
        // b.onnx's weights are in b.onnx.data; c.onnx is a copy of b.onnx that reads them too
        Path folder = Files.createDirectories(dir.resolve("clash"));
        Path b = folder.resolve("b.onnx");
        OnnxModelFile.write(b, OnnxModel.load(model).proto(), true);
        Path c = Files.copy(b, folder.resolve("c.onnx"));

        CliRun run = CliRun.of("convert", c.toString(), "--fp16", "--out", b.toString(), "--external-data");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out's data file names " + b + ".data, which is the "
                + "input model's external data this command reads; write it elsewhere");
        assertThat(Files.size(b)).as("nothing written").isLessThan(100_000);
    }

    /**
     * Both files hold the same graph once the weights are read back, and ONNX Runtime, reading the data file from
     * the model's folder, gives the same outputs.
     */
    private static void assertSameModel(Path inline, Path external) throws Exception {
        Path data = Path.of(external + ".data");
        assertThat(data).exists();
        assertThat(inline + ".data").as("no data file where the model is inline")
                .satisfies(p -> assertThat(Path.of(p)).doesNotExist());
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(external));
        long moved = Stream.concat(written.getGraph().getInitializerList().stream(),
                        written.getGraph().getNodeList().stream().flatMap(n -> n.getAttributeList().stream())
                                .filter(AttributeProto::hasT).map(AttributeProto::getT))
                .filter(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL).count();
        assertThat(moved).as("weights in the data file (the classifier's are Constant nodes)").isPositive();
        assertThat(Files.size(external)).isLessThan(Files.size(inline) / 4);
        // typed values (float_data) come back as raw_data: the same weights, held another way
        OnnxModel expectedModel = OnnxModel.load(inline);
        OnnxModel actualModel = OnnxModel.load(external);
        assertThat(actualModel.weightNames()).isEqualTo(expectedModel.weightNames());
        for (String name : expectedModel.weightNames()) {
            expectedModel.weight(name).ifPresent(w -> assertThat(actualModel.weight(name).orElseThrow().data())
                    .as(name).containsExactly(w.data()));
        }
        assertThat(actualModel.operatorCounts()).isEqualTo(expectedModel.operatorCounts());
        List<float[]> expected = outputs(inline);
        List<float[]> actual = outputs(external);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).containsExactly(expected.get(i));
        }
    }

    private static List<float[]> outputs(Path file) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random random = new Random(3);
        float[] x = new float[2 * 3 * 48 * 192];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 3, 48, 192});
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            List<float[]> values = new ArrayList<>();
            result.forEach(e -> {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                values.add(v);
            });
            return values;
        }
    }

    private static CliRun run(String... args) throws IOException {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }
}
