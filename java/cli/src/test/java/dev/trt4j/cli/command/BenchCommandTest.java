package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.Trt4jCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.table.Provenance;
import dev.trt4j.engine.NativeLibraryLocator;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.engine.ShapeRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code trt4j bench} on the real PP-OCR classifier (ONNX Runtime, short runs) and its one-line errors. */
class BenchCommandTest {
    private static final String[] SHORT = {"--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05",
        "--iterations", "3", "--threads", "1", "--shapes", "x:1x3x48x192"};

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void extract() throws IOException {
        model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
    }

    static CliRun bench(String... args) {
        CommandLine cl = Trt4jCommand.newCommandLine();
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(cl, all);
    }

    private static String[] with(String... args) {
        String[] all = new String[SHORT.length + args.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(SHORT, 0, all, args.length, SHORT.length);
        return all;
    }

    @Test
    void timesATextModelOnTheUsersSentencesWithItsTokenizer() throws Exception {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "The cat sat on the mat\n");
        String[] timing = {"--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3",
            "--threads", "1", "--shapes", "input_ids:1x8"};

        CliRun run = bench(concat(new String[] {text.toString(), "--inputs", sentences.toString(), "--tokenizer",
            tokenizer.toString()}, timing));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("data " + sentences).contains("input_ids:1x8");
        CliRun random = bench(concat(new String[] {text.toString(), "--tokenizer", tokenizer.toString()}, timing));
        assertThat(random.exitCode()).isEqualTo(2);
        assertThat(random.errLines()).containsExactly(
                "trt4j: --tokenizer reads the text that --inputs names, but --inputs is random: give --inputs "
                        + "FILE.txt, or --inputs tokenizer.json for the bundled sentences");
    }

    /** Text without --shapes takes calibrate's sequence length, 128 or --seq-len, as the other commands do. */
    @Test
    void textWithoutShapesTakesTheSequenceLengthOfTheOtherCommands() throws Exception {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "The cat sat on the mat\nthe mat\n");
        String[] timing = {"--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3",
            "--threads", "1", "--batch", "2"};
        String[] data = {text.toString(), "--inputs", sentences.toString(), "--tokenizer", tokenizer.toString()};

        CliRun byDefault = bench(concat(data, timing));
        assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
        assertThat(byDefault.out()).contains("input_ids:2x128");
        CliRun six = bench(concat(concat(data, timing), new String[] {"--seq-len", "6"}));
        assertThat(six.exitCode()).as(six.err()).isZero();
        assertThat(six.out()).contains("input_ids:2x6");

        CliRun bundled = bench(concat(new String[] {text.toString(), "--inputs", tokenizer.toString(), "--seq-len",
            "5"}, timing));
        assertThat(bundled.exitCode()).as(bundled.err()).isZero();
        assertThat(bundled.out()).contains("input_ids:2x5");

        assertThat(bench(concat(concat(data, timing), new String[] {"--seq-len", "6", "--shapes", "input_ids:1x6"}))
                .errLines()).containsExactly("trt4j: --seq-len with --shapes: give the sequence length in --shapes");
        assertThat(bench(text.toString(), "--seq-len", "6").errLines())
                .containsExactly("trt4j: --seq-len applies to text read with --tokenizer: give --inputs FILE.txt "
                        + "--tokenizer tokenizer.json, or --inputs tokenizer.json for the bundled sentences");

        // a model whose length is fixed is timed at it: another --seq-len is refused, not ignored
        Path fixed = dir.resolve("text64.onnx");
        assertThat(CliRun.of("convert", text.toString(), "--fix-shapes", "input_ids:2x64", "--out", fixed.toString())
                .exitCode()).isZero();
        String[] fixedData = {fixed.toString(), "--inputs", sentences.toString(), "--tokenizer", tokenizer.toString()};
        assertOneLine(2, bench(concat(concat(fixedData, timing), new String[] {"--seq-len", "128"})), fixed
                + ": --seq-len 128 does not fit model input 'input_ids' [2,64], whose length is fixed; drop --seq-len");
        CliRun same = bench(concat(concat(fixedData, timing), new String[] {"--seq-len", "64"}));
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).contains("input_ids:2x64");
    }

    /** --seq-len on engines alone sets their token inputs' length from the sidecar: it was ignored, timing 128. */
    @Test
    void seqLenOnAnEngineIsHeldToItsProfile() throws Exception {
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "The cat sat on the mat\n");
        Path engine = Files.write(dir.resolve("text.engine"), new byte[16]);
        ShapeRange tokens = new ShapeRange(new long[] {1, 1}, new long[] {8, 128}, new long[] {32, 128});
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(engine), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false, null, null, "text.onnx", "m",
                List.of(Map.of("input_ids", tokens, "attention_mask", tokens))));
        String[] text = {engine.toString(), "--inputs", sentences.toString(), "--tokenizer", tokenizer.toString()};

        assertOneLine(2, bench(concat(text, new String[] {"--seq-len", "600"})), "is outside the engine's profile 0");
        // a length inside the profile passes every check and stops only at the missing GPU
        CliRun fits = bench(concat(text, new String[] {"--seq-len", "64"}));
        assertThat(fits.exitCode()).as(fits.err()).isEqualTo(1);
        assertThat(fits.errLines()).singleElement().asString().doesNotContain("profile").doesNotContain("--seq-len");

        // one sentence, as for an ONNX model: an engine whose profile starts at batch 2 needs --batch
        ShapeRange pairs = new ShapeRange(new long[] {2, 1}, new long[] {8, 128}, new long[] {32, 128});
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(engine), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false, null, null, "text.onnx", "m",
                List.of(Map.of("input_ids", pairs, "attention_mask", pairs))));
        assertOneLine(2, bench(concat(text, new String[] {"--seq-len", "64"})), "' takes batch 2 to 32 (time a batch "
                + "it takes with --batch, or rebuild the engine with a wider profile)");
        CliRun batched = bench(concat(text, new String[] {"--seq-len", "64", "--batch", "2"}));
        assertThat(batched.exitCode()).as(batched.err()).isEqualTo(1);
        // a comparison of engines with other token inputs is named as such, not as a --shapes the user never gave
        Path other = Files.write(dir.resolve("other.engine"), new byte[17]);
        EngineSidecarFile.write(other, new EngineSidecar(1, Provenance.sha256(other), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false, null, null, "text.onnx", "m", List.of(Map.of("input_ids", tokens))));
        assertOneLine(2, bench("--compare", "fp32=" + engine + ",fp16=" + other, "--inputs", sentences.toString(),
                "--tokenizer", tokenizer.toString(), "--seq-len", "64", "--batch", "2"), other
                + " takes the token inputs [input_ids] and " + engine + " takes [attention_mask, input_ids]; --seq-len "
                + "gives every engine of a comparison the same inputs: time them apart");
        // an input the tokenizer does not feed is named before the GPU is looked for
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(engine), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false, null, null, "text.onnx", "m",
                List.of(Map.of("input_ids", tokens, "position_ids", tokens))));
        assertOneLine(2, bench(concat(text, new String[] {"--seq-len", "64"})), engine + ": input 'position_ids' is "
                + "none the tokenizer feeds (attention_mask, input_ids, token_type_ids); time the engine with --inputs "
                + "random or zeros");

        Files.delete(EngineSidecarFile.pathFor(engine));
        assertOneLine(2, bench(concat(text, new String[] {"--seq-len", "64"})), engine + ": --seq-len 64 needs the "
                + "engine's input names, which its sidecar text.engine.json would give; give the shapes with --shapes "
                + "input_ids:1x64,attention_mask:1x64");
    }

    /**
     * Text for a model without input_ids is refused as calibrate refuses it, naming the model of a comparison that
     * has none: it was asked for an image shape, or with --shapes timed on the sentences rendered as images.
     */
    @Test
    void textForAModelWithoutTokenIdsIsRefused() throws Exception {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path image = TestModels.ppocrClassifier(dir.resolve("image-only.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "The cat sat on the mat\n");
        String[] timing = {"--duration", "0.05", "--iterations", "3", "--threads", "1"};
        String inputs = "; its inputs are [x]";

        CliRun withTokenizer = bench(concat(new String[] {image.toString(), "--inputs", sentences.toString(),
            "--tokenizer", tokenizer.toString()}, timing));
        CliRun withShapes = bench(concat(new String[] {image.toString(), "--inputs", sentences.toString(),
            "--tokenizer", tokenizer.toString(), "--shapes", "x:1x3x48x192"}, timing));
        CliRun asData = bench(concat(new String[] {image.toString(), "--inputs", tokenizer.toString()}, timing));
        CliRun compared = bench(concat(new String[] {"--compare", "fp32=" + text + ",int8=" + image, "--inputs",
            sentences.toString(), "--tokenizer", tokenizer.toString()}, timing));

        String byTokenizer = ": --tokenizer " + tokenizer + " gives text to tokenize, and the model has no input_ids "
                + "input to feed it to" + inputs;
        assertOneLine(2, withTokenizer, image + byTokenizer);
        assertOneLine(2, withShapes, image + byTokenizer);
        assertOneLine(2, asData, image + ": --inputs " + tokenizer + " gives text to tokenize, and the model has no "
                + "input_ids input to feed it to" + inputs);
        assertOneLine(2, compared, image + byTokenizer);
    }

    /** Sentences for a text model without --tokenizer: the tokenizer is asked for, not the token inputs' shapes. */
    @Test
    void sentencesForATextModelWithoutTokenizerAskForIt() throws Exception {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "The cat sat on the mat\n");

        CliRun run = bench(text.toString(), "--inputs", sentences.toString(), "--duration", "0.05");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --inputs " + sentences + ": sentences for a model with "
                + "input_ids need its tokenizer; give the tokenizer.json with --tokenizer");
        Path folder = Files.createDirectories(dir.resolve("sentence-files"));
        Files.writeString(folder.resolve("a.txt"), "The cat sat on the mat\n");
        CliRun fromFolder = bench(text.toString(), "--inputs", folder.toString(), "--duration", "0.05");
        assertThat(fromFolder.exitCode()).isEqualTo(2);
        assertThat(fromFolder.errLines()).containsExactly("trt4j: --inputs " + folder + ": sentences for a model "
                + "with input_ids need its tokenizer; give the tokenizer.json with --tokenizer");
    }

    /** A token id past the embedding table is named as such in bench too, not as ONNX Runtime's Gather error. */
    @Test
    void aTokenIdPastTheWordTableIsNamed() throws Exception {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path wide = Files.writeString(dir.resolve("wide.json"), Files.readString(tokenizer).replace("\"mat\": 6",
                "\"mat\": 12"));
        Path sentences = Files.writeString(dir.resolve("sentences.txt"), "the cat sat on the mat\n");

        CliRun run = bench(text.toString(), "--inputs", sentences.toString(), "--tokenizer", wide.toString(),
                "--seq-len", "8", "--duration", "0.05", "--iterations", "3", "--threads", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + text + ": input 'input_ids' holds token id 12 (row 0, "
                + "position 5), but the model's word table has 10 rows (node 'embed'): token ids must be below 10; a "
                + "tokenizer made for another model, with a larger vocabulary, gives such ids");
    }

    @Test
    void takesItsShapesFromTheArraysOfInputsWithoutShapes() throws Exception {
        Path npy = dir.resolve("lines.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {3, 3, 48, 192},
                new float[3 * 3 * 48 * 192]));

        CliRun run = bench(model.toString(), "--inputs", npy.toString(), "--batch", "2", "--warmup", "10",
                "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3", "--threads", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("[onnxruntime] x:2x3x48x192, inputs data " + npy);
    }

    /** A model whose batch is fixed to 4 takes 4 samples of an .npy, not the batch of 1 of an open batch. */
    @Test
    void anArraysShapeTakesTheModelsFixedBatch() throws Exception {
        Path fixed4 = fixedBatchRelu(dir.resolve("fixed4.onnx"), 4);
        Path npy = dir.resolve("six.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {6, 8}, new float[48]));

        CliRun run = bench(fixed4.toString(), "--inputs", npy.toString(), "--warmup", "10", "--warmup-iterations",
                "1", "--duration", "0.05", "--iterations", "3", "--threads", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("x:4x8");
    }

    /** Relu over x [batch, 8], its batch fixed. */
    private static Path fixedBatchRelu(Path file, int batch) throws IOException {
        ai.onnx.proto.OnnxMl.TypeProto fixed = ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(
                        ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(batch))
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(8))))
                .build();
        ai.onnx.proto.OnnxMl.GraphProto g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("fixed")
                .addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(fixed))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(fixed))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .build();
        return Files.write(file, ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build()
                .toByteArray());
    }

    /** A recurrent state holds its batch in dimension 1: data arrays, batched along dimension 0, cannot feed it. */
    @Test
    void dataForAModelWhoseStateHoldsItsBatchElsewhereIsRefusedNamingTheState() throws Exception {
        Path streaming = TestModels.streaming(dir.resolve("streaming.onnx"));
        Path npz = dir.resolve("stream.npz");
        dev.trt4j.data.npy.NpzFile.write(npz, Map.of(
                "x", dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {4, 4}, new float[16]),
                "state", dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {2, 4, 4}, new float[32])));
        for (List<String> extra : List.of(List.<String>of(), List.of("--batch", "4"),
                List.of("--shapes", "x:4x4,state:2x4x4"))) {
            List<String> args = new java.util.ArrayList<>(List.of(streaming.toString(), "--inputs", npz.toString(),
                    "--duration", "0.05"));
            args.addAll(extra);
            CliRun run = bench(args.toArray(String[]::new));
            assertOneLine(2, run, streaming + ": --inputs " + npz + " gives each input its samples along its first "
                    + "dimension, but input 'state' [2,batch,4] holds its batch elsewhere (a recurrent state); time it "
                    + "with --inputs random or zeros");
        }
        // random inputs time it, the state taking the batch by name
        CliRun random = bench(streaming.toString(), "--batch", "4", "--duration", "0.05", "--warmup", "10",
                "--iterations", "3", "--threads", "1");
        assertThat(random.exitCode()).as(random.err()).isZero();
        assertThat(random.out()).contains("state:2x4x4");
    }

    /** Files fixed to different batches have no column in common: refused before timing, not an empty table. */
    @Test
    void aComparisonWhoseFilesRunAtDifferentBatchesIsRefused() throws Exception {
        Path one = fixedBatchRelu(dir.resolve("one.onnx"), 1);
        Path four = fixedBatchRelu(dir.resolve("four.onnx"), 4);
        CliRun run = bench("--compare", "model=relu,fp32=" + one + ",int8=" + four, "--duration", "0.05");
        assertOneLine(2, run, "--compare model=relu: the files run fp32 at batch 1, int8 at batch 4, so no speedup "
                + "can be computed; give --batch (or --shapes) that every file takes");
        assertThat(run.out()).doesNotContain("== ");
    }

    @Test
    void tooFewSamplesForALaterBatchAreFoundBeforeTheFirstIsTimed() throws Exception {
        Path npy = dir.resolve("three-lines.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {3, 3, 48, 192},
                new float[3 * 3 * 48 * 192]));

        CliRun run = bench(model.toString(), "--inputs", npy.toString(), "--batch", "1,4", "--warmup", "10",
                "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3", "--threads", "1");

        assertOneLine(1, run, npy + ": gives input 'x' shape 3x3x48x192 but the benchmark needs 4x3x48x192 (fewer "
                + "samples than the batch)");
        assertThat(run.out()).as("nothing timed").doesNotContain("== ");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void timesEachBatchAndExportsEachRunsTimes() throws Exception {
        Path times = dir.resolve("times.json");
        Path summary = dir.resolve("summary.json");
        CliRun run = bench(with(model.toString(), "--batch", "1,2", "--json", times.toString(), "--summary-json",
                summary.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("== "))).hasSize(2);
        assertThat(run.out()).contains("[onnxruntime] x:1x3x48x192").contains("[onnxruntime] x:2x3x48x192")
                .contains("threads: 1").contains("samples/s (batch 2)").contains("percentile(99%)");
        for (String name : List.of("times.b1.json", "times.b2.json")) {
            JsonNode root = new ObjectMapper().readTree(dir.resolve(name).toFile());
            assertThat(root.size()).isGreaterThanOrEqualTo(3);
            assertThat(root.get(0).get("computeMs").asDouble()).isPositive();
            assertThat(root.get(0).get("h2dMs").isNull()).as("not measured, as in --summary-json").isTrue();
            assertThat(root.get(0).get("d2hMs").isNull()).isTrue();
        }
        JsonNode runs = new ObjectMapper().readTree(summary.toFile()).get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).get("batch").asInt()).isEqualTo(2);
        assertThat(runs.get(1).get("precision").isNull()).as("no precision label outside --compare").isTrue();
        assertThat(runs.get(1).get("shapes").get("x").get(0).asLong()).isEqualTo(2);
        JsonNode latency = runs.get(1).get("latencyMs");
        assertThat(latency.get("percentiles").get("99").asDouble()).isGreaterThanOrEqualTo(latency.get("median")
                .asDouble()).isLessThanOrEqualTo(latency.get("max").asDouble());
        assertThat(runs.get(1).get("samplesPerSecond").asDouble())
                .isEqualTo(2 * runs.get(1).get("queriesPerSecond").asDouble(), within(1e-6));
        // what the text report prints: stability and trtexec's total compute time (mean compute x queries)
        assertThat(latency.get("coefficientOfVariationPercent").asDouble()).isNotNegative();
        JsonNode compute = runs.get(1).get("computeMs");
        assertThat(runs.get(1).get("totalComputeMs").asDouble()).isCloseTo(compute.get("mean").asDouble()
                * runs.get(1).get("queries").asInt(), within(1e-6));
        assertThat(run.out()).contains("CoV = ");
    }

    @Test
    void comparesPrecisionsInASpeedupTable() throws Exception {
        Path md = dir.resolve("table.md");
        Path csv = dir.resolve("table.csv");
        Path json = dir.resolve("table.json");
        Path summary = dir.resolve("summary.json");
        CliRun run = bench(with("--compare", "model=cls,fp32=" + model + ",int8=" + model + ",dynamic-int8=" + model,
                "--markdown", md.toString(), "--csv", csv.toString(), "--table-json", json.toString(),
                "--summary-json", summary.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| Model | b1 fp32 | b1 int8 | b1 dynamic-int8 |");
        assertThat(Files.readString(md)).contains("| cls | 1.00 |");
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo("model,b1 fp32,b1 int8,b1 dynamic-int8");
        JsonNode cells = new ObjectMapper().readTree(json.toFile()).get("rows").get(0).get("cells");
        assertThat(cells.get(1).get("samplesPerSecond").asDouble()).isPositive();
        assertThat(new ObjectMapper().readTree(summary.toFile()).get("speedupTable"))
                .as("the summary carries the table too").isEqualTo(new ObjectMapper().readTree(json.toFile()));
    }

    @Test
    void roundsTimeEachFileSideBySideAndReportTheMedianSpeedup() throws Exception {
        Path json = dir.resolve("rounds.json");
        Path copy = Files.copy(model, dir.resolve("cls-copy.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Path summary = dir.resolve("rounds-summary.json");
        CliRun run = bench(with("--compare", "model=cls,fp32=" + model + ",int8=" + copy, "--rounds", "3",
                "--table-json", json.toString(), "--summary-json", summary.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        // each run says its round: the order reverses, so a script pairs runs by it, not by position
        assertThat(new ObjectMapper().readTree(summary.toFile()).get("runs")).extracting(r -> r.get("round").asInt())
                .containsExactly(1, 1, 2, 2, 3, 3);
        List<String> order = run.out().lines().filter(l -> l.startsWith("== ")).toList();
        assertThat(order).hasSize(6);
        // the order reverses every other round, so the baseline is not always timed first
        assertThat(order.get(0)).contains("cls.onnx").endsWith("round 1 of 3");
        assertThat(order.get(2)).contains("cls-copy.onnx").endsWith("round 2 of 3");
        assertThat(order.get(3)).contains(" " + model + " ").endsWith("round 2 of 3");
        assertThat(order.get(4)).contains(" " + model + " ").endsWith("round 3 of 3");
        assertThat(run.out()).contains("the median of 3 interleaved rounds' speedups (lowest-highest)");
        java.util.regex.Matcher spread = java.util.regex.Pattern
                .compile("\\| cls \\| 1\\.00 \\| (\\d+\\.\\d\\d) \\((\\d+\\.\\d\\d)-(\\d+\\.\\d\\d)\\) \\|")
                .matcher(run.out());
        assertThat(spread.find()).as(run.out()).isTrue();
        double median = Double.parseDouble(spread.group(1));
        assertThat(median).as("the median lies in the per-round range")
                .isBetween(Double.parseDouble(spread.group(2)), Double.parseDouble(spread.group(3)));
        JsonNode cells = new ObjectMapper().readTree(json.toFile()).get("rows").get(0).get("cells");
        assertThat(cells.get(0).get("speedup").asDouble()).isEqualTo(1.0);
        // the table's speedup is the printed median (how fast the copy ran is the machine's load, not checked here)
        assertThat(String.format(java.util.Locale.ROOT, "%.2f", cells.get(1).get("speedup").asDouble()))
                .isEqualTo(spread.group(1));
        // the file a script keeps carries the range and the round count too
        assertThat(String.format(java.util.Locale.ROOT, "%.2f-%.2f", cells.get(1).get("speedupMin").asDouble(),
                cells.get(1).get("speedupMax").asDouble())).isEqualTo(spread.group(2) + "-" + spread.group(3));
        assertThat(new ObjectMapper().readTree(json.toFile()).get("rounds").asInt()).isEqualTo(3);

        assertUsageError(bench(model.toString(), "--rounds", "2"), "--rounds needs --compare");
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + model, "--rounds", "2", "--json",
                dir.resolve("t.json").toString())), "--json writes one run per file; it cannot be used with --rounds");
        assertUsageError(bench(model.toString(), "--rounds", "0"), "--rounds must be at least 1, got 0");
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + copy, "--compare",
                "fp32=" + model + ",fp16=" + copy)), "--compare: model 'cls' is given in two rows; name each row with "
                + "model=NAME");
    }

    @Test
    void summaryOnStdoutIsTheOnlyOutput() throws Exception {
        CliRun run = bench(with("--compare", "model=cls,fp32=" + model + ",int8=" + model, "--batch", "1,2",
                "--summary-json", "-"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).as("one line, as every --json").hasSize(1);
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("runs")).hasSize(4);
        assertThat(root.get("runs").get(0).get("h2dMs").isNull()).as("no copies timed on the CPU").isTrue();
        assertThat(root.get("runs").get(0).get("enqueueMs").isNull()).isTrue();
        assertThat(root.get("runs").get(0).get("computeMs").get("median").asDouble()).isPositive();
        assertThat(root.get("runs").get(3).get("precision").asText()).isEqualTo("int8");
        assertThat(root.get("runs").get(3).get("batch").asInt()).isEqualTo(2);
        assertThat(root.get("runs").get(3).has("round")).as("the same keys with --rounds or without").isTrue();
        assertThat(root.get("runs").get(3).get("round").isNull()).isTrue();
        JsonNode table = root.get("speedupTable");
        assertThat(table.get("baseline").asText()).isEqualTo("fp32");
        assertThat(table.get("rows").get(0).get("cells").get(0).get("speedup").asDouble()).isEqualTo(1.0);

        CliRun single = bench(with(model.toString(), "--summary-json", "-"));
        assertThat(single.exitCode()).as(single.err()).isZero();
        JsonNode one = new ObjectMapper().readTree(single.out());
        assertThat(one.get("runs")).hasSize(1);
        assertThat(one.get("speedupTable").isNull()).as("no table without --compare").isTrue();
        // with JSON on stdout, the timing warnings the text ends with are on stderr, one line each, and only those
        List<String> expected = new java.util.ArrayList<>();
        one.get("runs").get(0).get("warnings").forEach(w -> expected.add("trt4j: warning: " + model + ": "
                + w.asText()));
        assertThat(single.errLines()).containsExactlyElementsOf(expected);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        assertOneLine(1, bench(dir.resolve("missing.engine").toString()), "missing.engine: no such engine file");
        assertOneLine(2, bench(model.toString(), "--shapes", "x:1x1x48x192"), "dimension 1 is fixed to 3");

        Path engine = dir.resolve("cls.fp16.engine");
        Files.write(engine, new byte[16]);
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(engine), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false,
                null, null, "cls.onnx", "m", List.of(Map.of("x", new ShapeRange(new long[] {1, 3, 48, 192},
                new long[] {8, 3, 48, 192}, new long[] {32, 3, 48, 192})))));
        assertOneLine(2, bench(engine.toString(), "--batch", "64"),
                "cannot take batch 64: input 'x' takes batch 1 to 32");
        assertOneLine(2, bench(engine.toString(), "--shapes", "x:8x3x48x400"), "is outside the engine's profile 0");
        // a valid request on a machine without TensorRT still ends in one line that says what is missing
        CliRun noGpu = bench(engine.toString(), "--batch", "8");
        assertThat(noGpu.exitCode()).isEqualTo(1);
        assertThat(noGpu.errLines()).hasSize(1);
        assertThat(noGpu.errLines().get(0)).startsWith("trt4j: ").doesNotContain("unexpected");
    }

    /**
     * A PP-OCR model is timed at the size calibrate reads it at where --shapes leaves its image open: PaddleOCR's for
     * its role (the recognizer's width trt4j's 640), not refused for want of a --shapes. --batch sets the batch as for
     * any shape, and a --shapes entry still wins.
     */
    @Test
    void aPpOcrModelWithoutShapesIsTimedAtPaddleOcrsSizeForItsRole() throws Exception {
        Path rec = TestModels.ppocrRecognizer(dir.resolve("rec.onnx"));
        String[] timing = {"--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3",
            "--threads", "1"};

        CliRun recognizer = bench(concat(new String[] {rec.toString(), "--backend", "onnxruntime"}, timing));
        assertThat(recognizer.exitCode()).as(recognizer.err()).isZero();
        assertThat(recognizer.out()).contains("rec.onnx [onnxruntime] x:1x3x48x640,");
        assertThat(recognizer.err()).as("nothing new but the shape").isEmpty();
        CliRun classifier = bench(concat(new String[] {model.toString(), "--batch", "2"}, timing));
        assertThat(classifier.exitCode()).as(classifier.err()).isZero();
        assertThat(classifier.out()).contains("cls.onnx [onnxruntime] x:2x3x48x192,");
        CliRun given = bench(concat(new String[] {rec.toString(), "--shapes", "x:1x3x48x320"}, timing));
        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(given.out()).contains("rec.onnx [onnxruntime] x:1x3x48x320,");
    }

    /**
     * A PP-OCR detector halves its sides five times and adds each level's map to the next: at 200x250 ONNX Runtime
     * failed after the model was loaded with a broadcast error deep in the graph (exit 1). Refused before, in the words
     * calibrate refuses such data in; without --shapes it is timed at PaddleOCR's 480x640.
     */
    @Test
    void aDetectorsSidesThatAreNoMultiplesOf32AreAUsageError() throws Exception {
        Path det = TestModels.ppocrDetector(dir.resolve("det.onnx"));
        CliRun odd = bench(det.toString(), "--backend", "onnxruntime", "--shapes", "x:1x3x200x250");
        assertThat(odd.errLines()).containsExactly("trt4j: " + det + ": model input 'x' is given 200x250 images, but a "
                + "text detector takes sides that are multiples of 32 (it halves them five times, and PaddleOCR rounds "
                + "them so); nearest: 192x256 (set the size with --shapes)");
        assertThat(odd.exitCode()).isEqualTo(2);
        assertThat(odd.out()).doesNotContain("== ");
        // arrays hold their size: a failure found in a file, which no option changes
        Path arrays = dir.resolve("pages.npy");
        dev.trt4j.data.npy.NpyFile.write(arrays, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {1, 3, 200, 250},
                new float[3 * 200 * 250]));
        CliRun given = bench(det.toString(), "--inputs", arrays.toString());
        assertOneLine(1, given, "nearest: 192x256 (resize the arrays)");

        CliRun byDefault = bench(det.toString(), "--warmup", "0", "--warmup-iterations", "1", "--duration", "0.01",
                "--iterations", "1", "--threads", "1");
        assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
        assertThat(byDefault.out()).contains("det.onnx [onnxruntime] x:1x3x480x640,");
    }

    /** An image model that is no OCR model (GlobalAveragePool), its input y [?,3,?,?]: bench needs its shape. */
    private static Path imageModelWithOpenY() throws IOException {
        var proto = OnnxModel.load(TestModels.imageMean(dir.resolve("mean-fixed.onnx"))).proto().toBuilder();
        var graph = proto.getGraphBuilder();
        graph.getInputBuilder(0).setName("y");
        var dims = graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        for (int i : new int[] {0, 2, 3}) {
            dims.getDimBuilder(i).clear(); // open, unnamed: ?
        }
        graph.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clear();
        graph.getNodeBuilder(0).setInput(0, "y");
        Path other = dir.resolve("mean.onnx");
        Files.write(other, proto.build().toByteArray());
        return other;
    }

    /** The classifier with its input x [?,3,?,?] named y: a second model whose input has another name. */
    private static Path classifierWithInputY() throws IOException {
        var proto = OnnxModel.load(model).proto().toBuilder();
        proto.getGraphBuilder().getInputBuilder(0).setName("y");
        for (var node : proto.getGraphBuilder().getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals("x")) {
                    node.setInput(i, "y");
                }
            }
        }
        Path other = dir.resolve("other.onnx");
        Files.write(other, proto.build().toByteArray());
        return other;
    }

    @Test
    void aComparisonThatCannotFinishWritesNothing() throws Exception {
        // the shapes fit the first model only: the second's y keeps its open height and width
        Path other = imageModelWithOpenY();
        Path times = dir.resolve("late.json");
        CliRun late = bench(with("--compare", "fp32=" + model + ",int8=" + other,
                "--json", times.toString(), "--summary-json", dir.resolve("late-summary.json").toString()));
        // --shapes is given once: the fix keeps the first model's entry
        assertOneLine(2, late, "mean.onnx: input 'y' [?,3,?,?] has open dimension 2; give its shape with --shapes "
                + "x:1x3x48x192,y:1x3xNxN");
        assertThat(late.out()).as("refused before any timing").doesNotContain("== ");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("late"));
        }

        Path aFile = Files.writeString(dir.resolve("no"), "a file where a folder goes");
        CliRun badFolder = bench(with(model.toString(), "--summary-json", dir.resolve("no/such/s.json").toString()));
        assertOneLine(1, badFolder, "s.json: cannot write: " + aFile + " is a file, not a folder");
        assertThat(badFolder.out()).doesNotContain("== ");
    }

    /**
     * --shapes is one option for every row of --compare, whose models may take different inputs (an image
     * classifier's x, a text model's input_ids): each entry goes to the models that take that input. A name no model
     * of the run takes is still a misspelling.
     */
    @Test
    void shapesOfAComparisonGoToTheModelsThatTakeThem() throws Exception {
        Path other = classifierWithInputY();
        String[] timing = {"--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3",
            "--threads", "1"};
        List<String> args = new java.util.ArrayList<>(List.of("--compare", "model=x,fp32=" + model + ",int8=" + model,
                "--compare", "model=y,fp32=" + other + ",int8=" + other));
        args.addAll(List.of(timing));

        List<String> both = new java.util.ArrayList<>(args);
        both.addAll(List.of("--shapes", "x:1x3x48x192,y:1x3x48x96"));
        CliRun run = bench(both.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("cls.onnx [onnxruntime] x:1x3x48x192,")
                .contains("other.onnx [onnxruntime] y:1x3x48x96,").contains("| y | 1.00 |");

        List<String> misspelt = new java.util.ArrayList<>(args);
        misspelt.addAll(List.of("--shapes", "x:1x3x48x192,y:1x3x48x96,z:1x3x48x96"));
        assertOneLine(2, bench(misspelt.toArray(String[]::new)), "--shapes names 'z', which is an input of no file "
                + "of this run; their inputs: " + model + " [x], " + other + " [y]");
        assertOneLine(2, bench(model.toString(), "--shapes", "z:1x3x48x192"),
                "cls.onnx: --shapes names 'z', which is not an input; inputs are [x]");
    }

    /**
     * A comparison that mixes ONNX models with engines on a machine without TensorRT or its driver stops before the
     * ONNX models are timed, not after (the README's fp32=m.onnx,int8=m.int8.engine with a 3 s run per model).
     */
    @Test
    void aComparisonWithAnEngineStopsBeforeTimingWhereTensorRtCannotRun() throws Exception {
        assumeTrue(NativeLibraryLocator.system().find(NativeLibraryLocator.CUDA_DRIVER).isEmpty(),
                "this machine has a CUDA driver");
        Path engine = dir.resolve("mixed.int8.engine");
        Files.write(engine, new byte[16]);
        Path summary = dir.resolve("mixed-summary.json");
        CliRun mixed = bench(with("--compare", "fp32=" + model + ",int8=" + engine, "--summary-json",
                summary.toString()));
        assertOneLine(1, mixed, "CUDA driver: libcuda.so.1 not found");
        assertThat(mixed.out()).as("refused before any timing").doesNotContain("== ");
        assertThat(summary).doesNotExist();
    }

    @Test
    void aFolderOrAMissingFileIsSaidSoRatherThanAskedForABackend() throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("engines-folder"));
        assertOneLine(1, bench(folder.toString()), folder + ": is a folder, not a model (.onnx) or engine (.engine, "
                + ".plan) file");
        assertOneLine(1, bench(dir.resolve("absent.bin").toString()), dir.resolve("absent.bin") + ": no such file (a "
                + "model .onnx, or an engine .engine or .plan)");
        Path odd = Files.write(dir.resolve("model.bin"), new byte[] {1});
        assertOneLine(1, bench(odd.toString()), odd + ": not a .engine, .plan or .onnx file; choose a backend with "
                + "--backend");
    }

    @Test
    void anUnknownBackendIsAUsageError() throws Exception {
        CliRun run = bench(with(model.toString(), "--backend", "cuda"));
        assertOneLine(2, run, "unknown backend 'cuda'; available: ");
        assertThat(run.out()).doesNotContain("== ");
        // before the file is read: an engine is not taken for an ONNX model of a backend that does not exist
        Path engine = Files.write(dir.resolve("f.engine"), new byte[16]);
        assertOneLine(2, bench(engine.toString(), "--backend", "TensorRT"), "unknown backend 'TensorRT'; available: ");
    }

    @Test
    void aFileTheChosenBackendDoesNotRunIsSaidSo() throws Exception {
        assertOneLine(2, bench(model.toString(), "--backend", "tensorrt"), model + ": an ONNX model, and --backend "
                + "tensorrt runs TensorRT engines; build one (trt4j build) or drop --backend");
        Path engine = Files.write(dir.resolve("g.engine"), new byte[16]);
        assertOneLine(2, bench(engine.toString(), "--backend", "onnxruntime"), engine + ": a TensorRT engine, and "
                + "--backend onnxruntime runs ONNX models; drop --backend");
    }

    @Test
    void anOutputThatIsAFolderIsRefusedBeforeAnyTimingAndNothingIsWritten() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("pj/dir"));
        Path times = dir.resolve("pj/t.json");
        CliRun table = bench(with("--compare", "fp32=" + model + ",fp16=" + model, "--json", times.toString(),
                "--markdown", folder.toString()));
        assertOneLine(1, table, folder + ": cannot write: is a folder");
        assertThat(table.out()).as("refused before any timing").doesNotContain("== ");
        try (var files = Files.list(dir.resolve("pj"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("dir");
        }

        CliRun single = bench(with(model.toString(), "--json", folder.toString()));
        assertOneLine(1, single, folder + ": cannot write: is a folder");
        assertThat(single.out()).doesNotContain("== ");
        CliRun perRun = bench(with(model.toString(), "--batch", "1,2", "--json", folder.toString()));
        assertOneLine(1, perRun, folder + ": cannot write: is a folder");
    }

    /** Without --batch a run's file is named by the batch its shapes give, which is known before any timing too. */
    @Test
    void aPerRunFileThatIsAFolderIsRefusedBeforeAnyTimingWithoutBatch() throws Exception {
        Path times = dir.resolve("pr/t.json");
        Path second = Files.createDirectories(dir.resolve("pr/t.m.fp16.b1.json"));
        CliRun run = bench(with("--compare", "model=m,fp32=" + model + ",fp16=" + model, "--json", times.toString(),
                "--markdown", dir.resolve("pr/table.md").toString()));
        assertOneLine(1, run, second + ": cannot write: is a folder");
        assertThat(run.out()).as("refused before any timing").doesNotContain("== ");
        try (var files = Files.list(dir.resolve("pr"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("t.m.fp16.b1.json");
        }

        Files.delete(second);
        CliRun written = bench(with("--compare", "model=m,fp32=" + model + ",fp16=" + model, "--json",
                times.toString()));
        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(dir.resolve("pr/t.m.fp32.b1.json")).isRegularFile();
        assertThat(dir.resolve("pr/t.m.fp16.b1.json")).isRegularFile();
    }

    @Test
    void twoOutputsNamingTheSameFileAreRefused() {
        Path same = dir.resolve("same.json");
        assertUsageError(bench(with(model.toString(), "--json", same.toString(), "--summary-json",
                dir.resolve("x/../same.json").toString())), "--json and --summary-json both name "
                + dir.resolve("x/../same.json") + "; give each output its own file");
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + model, "--csv",
                dir.resolve("same.csv").toString(), "--markdown", dir.resolve("same.csv").toString())),
                "--markdown and --csv both name " + dir.resolve("same.csv") + "; give each output its own file");
        assertUsageError(bench(with("--compare", "model=m,fp32=" + model + ",int8=" + model, "--batch", "1,2", "--json",
                dir.resolve("t.json").toString(), "--table-json", dir.resolve("t.m.fp32.b2.json").toString())),
                "--json and --table-json both name " + dir.resolve("t.m.fp32.b2.json")
                        + "; give each output its own file");
        assertThat(same).doesNotExist();
    }

    @Test
    void anOutputNamingAFileTheRunReadsIsRefused() throws IOException {
        // Before, --markdown naming a --compare model replaced the model with the table after timing it.
        Path copy = Files.copy(model, dir.resolve("read-me.onnx"));
        byte[] before = Files.readAllBytes(copy);
        Path link = Files.createSymbolicLink(dir.resolve("link-to-read-me.md"), copy.getFileName());
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + copy, "--markdown", link.toString())),
                "--markdown names " + link + ", which is a --compare file this command reads; write it elsewhere");
        assertUsageError(bench(with(copy.toString(), "--json", copy.toString())),
                "--json names " + copy + ", which is the file timed this command reads; write it elsewhere");
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    }

    @Test
    void perQueryTimesOnStdoutForASingleRun() throws Exception {
        CliRun run = bench(with(model.toString(), "--json", "-"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.isArray()).as("only the times: no text report").isTrue();
        assertThat(root.size()).isGreaterThanOrEqualTo(3);
        assertThat(root.get(0).get("h2dMs").isNull()).isTrue();
        assertThat(dir.resolve("-")).doesNotExist();
        assertThat(Path.of("-")).doesNotExist();

        assertUsageError(bench(model.toString(), "--batch", "1,2", "--json", "-"), "--json - prints the times of a "
                + "single run; these options make 2 runs: give a FILE for one file per run");
        assertUsageError(bench(model.toString(), "--json", "-", "--summary-json", "-"),
                "--json - and --summary-json - both print on stdout; give one of them a FILE");
        assertUsageError(bench(model.toString(), "--summary-json", "/dev/stdout"), "--summary-json /dev/stdout: give "
                + "--summary-json - to write to standard output (trt4j writes files through a temporary file, which a "
                + "stream cannot take)");
        Path linkToStdout = Files.createSymbolicLink(dir.resolve("stdout-link"), Path.of("/dev/stdout"));
        for (String stdout : List.of("/dev/../dev/stdout", "/dev/fd/1", "/proc/self/fd/1",
                linkToStdout.toString())) {
            assertUsageError(bench(model.toString(), "--json", stdout), "--json " + stdout + ": give --json - to "
                    + "write to standard output (trt4j writes files through a temporary file, which a stream cannot "
                    + "take)");
        }
        CliRun twoRuns = bench(with(model.toString(), "--batch", "1,2", "--json", "/dev/stdout"));
        assertThat(twoRuns.exitCode()).as("'-' takes one run's times: not suggested for two").isNotZero();
        assertThat(twoRuns.err()).doesNotContain("give --json -").contains("names a stream");
    }

    /**
     * '-' is stdout for the table options as for --json and --summary-json: it was a file named '-', and
     * --export-profile - wrote '-.cls.fp32.b1.json'. One option at most takes stdout.
     */
    @Test
    void theSpeedupTableOnStdoutReplacesTheTextReport() throws Exception {
        String pair = "model=cls,fp32=" + model + ",int8=" + model;
        CliRun csv = bench(with("--compare", pair, "--csv", "-"));
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out().lines().toList()).as("only the table: no text report").hasSize(2)
                .first().isEqualTo("model,b1 fp32,b1 int8");
        assertThat(csv.errLines()).allMatch(l -> l.startsWith("trt4j: warning: "));
        CliRun markdown = bench(with("--compare", pair, "--markdown", "-"));
        assertThat(markdown.exitCode()).as(markdown.err()).isZero();
        assertThat(markdown.out()).startsWith("Throughput (samples/s) relative to fp32 = 1, by batch size")
                .contains("| cls | 1.00 |").doesNotContain("== ");
        CliRun json = bench(with("--compare", pair, "--table-json", "-", "--csv", dir.resolve("t.csv").toString()));
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("baseline").asText()).isEqualTo("fp32");
        assertThat(dir.resolve("t.csv")).as("the other table options still write their files").exists();
        assertThat(dir.resolve("-")).doesNotExist();
        assertThat(Path.of("-")).doesNotExist();

        assertUsageError(bench(with("--compare", pair, "--markdown", "-", "--csv", "-")),
                "--markdown - and --csv - both print on stdout; give one of them a FILE");
        assertUsageError(bench(with("--compare", pair, "--summary-json", "-", "--table-json", "-")),
                "--summary-json - and --table-json - both print on stdout; give one of them a FILE");
        assertUsageError(bench(with(model.toString(), "--json", "-", "--markdown", "-")),
                "--json - and --markdown - both print on stdout; give one of them a FILE");
        assertUsageError(bench(with("--compare", pair, "--markdown", "-", "--dump-profile")), "--dump-profile "
                + "prints with the text report, which --markdown - replaces; write the profile with --export-profile "
                + "FILE instead");
        assertUsageError(bench(with("--compare", pair, "--csv", "/dev/stdout")), "--csv /dev/stdout: give --csv - to "
                + "write to standard output (trt4j writes files through a temporary file, which a stream cannot take)");
        assertUsageError(bench(with(model.toString(), "--export-profile", "-")), "--export-profile writes one file "
                + "per run, so it takes no - for stdout; give a FILE (--dump-profile prints the profile)");
    }

    /** ONNX Runtime writes node names into its profile unescaped: a quote or backslash there is read back as named. */
    @Test
    void profilesNodesNamedWithQuotesAndBackslashes() throws Exception {
        Path quoted = TestModels.quoteAndBackslashNames(dir.resolve("quoted.onnx"));
        Path profile = dir.resolve("quoted-profile.json");

        CliRun run = bench(quoted.toString(), "--warmup", "10", "--warmup-iterations", "1", "--duration", "0.05",
                "--iterations", "3", "--threads", "1", "--shapes", "x:1x4", "--export-profile", profile.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(profile.toFile());
        List<String> names = new java.util.ArrayList<>();
        for (int i = 1; i < root.size(); i++) {
            names.add(root.get(i).get("name").asText());
        }
        assertThat(names).containsExactlyInAnyOrder(TestModels.QUOTED_NODE, TestModels.BACKSLASH_N_NODE);
    }

    @Test
    void dumpsAndExportsEachRunsLayerProfile() throws Exception {
        Path profile = dir.resolve("profile.json");
        CliRun run = bench(with(model.toString(), "--batch", "1,2", "--dump-profile", "--export-profile",
                profile.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("  Layer profile (ONNX Runtime's profiler, a "
                + "separate run of 3 queries): "))).hasSize(2)
                .allMatch(l -> l.matches(".* ms per query in \\d+ layers, (above|against) the timed run's median "
                        + "latency of \\d+\\.\\d{4} ms.*"));
        assertThat(run.out()).contains("Slowest 10 layers:").contains("Operator").contains("Avg (ms)");
        for (String name : List.of("profile.b1.json", "profile.b2.json")) {
            JsonNode root = new ObjectMapper().readTree(dir.resolve(name).toFile());
            assertThat(root.get(0).get("count").asInt()).isEqualTo(3);
            assertThat(root.size()).isGreaterThan(20);
            double share = 0;
            for (int i = 1; i < root.size(); i++) {
                assertThat(root.get(i).get("averageMs").asDouble()).isGreaterThanOrEqualTo(0);
                share += root.get(i).get("percentage").asDouble();
            }
            assertThat(share).isCloseTo(100, within(1e-6));
        }
        assertThat(profile).as("several runs: one file each").doesNotExist();
    }

    @Test
    void profilingIsRefusedWhereItCannotRunOrWouldBreakStdout() throws Exception {
        Path engine = Files.writeString(dir.resolve("m.engine"), "not an engine");
        assertUsageError(bench(with(engine.toString(), "--dump-profile")), "--dump-profile needs the onnxruntime "
                + "backend (JavaCPP's TensorRT 10.15 presets give Java no IProfiler to implement); " + engine
                + " runs on tensorrt");
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + model, "--rounds", "2",
                "--export-profile", dir.resolve("p.json").toString())), "--export-profile profiles each run once; "
                + "it cannot be used with --rounds");
        assertUsageError(bench(with(model.toString(), "--dump-profile", "--summary-json", "-")), "--dump-profile "
                + "prints with the text report, which --summary-json - replaces; write the profile with "
                + "--export-profile FILE instead");
        assertUsageError(bench(with(model.toString(), "--export-profile", dir.resolve("same.json").toString(),
                "--json", dir.resolve("same.json").toString())), "--json and --export-profile both name "
                + dir.resolve("same.json") + "; give each output its own file");
        assertThat(dir.resolve("same.json")).doesNotExist();
    }

    @Test
    void tensorRtSwitchesAreRefusedOnOnnxRuntime() {
        for (String option : List.of("--include-transfers", "--no-cuda-graph", "--one-at-a-time", "--no-spin-wait")) {
            assertUsageError(bench(with(model.toString(), option)), option + " applies to TensorRT only; " + model
                    + " runs on onnxruntime");
        }
        assertUsageError(bench(with("--compare", "fp32=" + model + ",int8=" + model, "--include-transfers")),
                "--include-transfers applies to TensorRT only; " + model + " runs on onnxruntime");
    }

    @Test
    void repeatedValuesAreRefused() {
        String m = model.toString();
        assertUsageError(bench(m, "--batch", "1,8,1"), "--batch gives 1 twice; give each batch size once");
        assertUsageError(bench(m, "--percentiles", "50,99,50.0"), "--percentiles gives 50 twice; give each "
                + "percentile once");
    }

    /** 99,9 (a decimal comma) is the valid percentiles 99 and 9: timed as given, with a warning naming 99.9. */
    @Test
    void aPercentileListThatLooksLikeADecimalCommaIsWarnedOf() {
        CliRun run = bench(with(model.toString(), "--percentiles", "99,9"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).contains("trt4j: warning: --percentiles 99,9 is read as the percentiles 99 and 9; "
                + "for 99.9 (a decimal comma), give --percentiles 99.9");
        assertThat(run.out()).contains("percentile(99%)").contains("percentile(9%)");
        // split, 99 and 99.9 repeat 99: the refusal says what was most likely meant
        assertUsageError(bench(model.toString(), "--percentiles", "99,99,9"), "--percentiles gives 99 twice; give "
                + "each percentile once; for 99.9 (a decimal comma), give --percentiles 99,99.9");
        CliRun plain = bench(with(model.toString(), "--percentiles", "50,99.9"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.err()).doesNotContain("decimal comma");
    }

    @Test
    void needsExactlyOneWayToNameWhatToTime() {
        assertThat(bench().exitCode()).isEqualTo(2);
        assertThat(bench(model.toString(), "--markdown", "t.md").err()).contains("need --compare");
    }

    @Test
    void eachBadNumberIsReportedUnderItsOwnOption() throws Exception {
        String m = model.toString();
        assertUsageError(bench(m, "--batch", "0"), "--batch must be at least 1, got 0");
        assertUsageError(bench(m, "--batch", "1,-3"), "--batch must be at least 1, got -3");
        assertUsageError(bench(m, "--threads", "-2"), "--threads must be 0 (automatic) to 1024, got -2");
        assertUsageError(bench(m, "--threads", "1025"), "--threads must be 0 (automatic) to 1024, got 1025");
        // the batch of a sweep that no ONNX Runtime tensor holds is refused before batch 1 is timed; 20000 of these
        // images are fewer values than a Java array holds, and more bytes than ONNX Runtime's one buffer per input
        CliRun sweep = bench(m, "--batch", "1,20000", "--shapes", "x:1x3x48x192");
        assertUsageError(sweep, m + ": input 'x' at 20000x3x48x192 would take 2,211,840,000 bytes (FLOAT32), more "
                + "than one ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes");
        assertThat(sweep.out()).isEmpty();
        assertUsageError(bench(m, "--iterations", "0"), "--iterations must be at least 1, got 0");
        assertUsageError(bench(m, "--warmup-iterations", "-1"), "--warmup-iterations must not be negative, got -1");
        assertUsageError(bench(m, "--duration", "-1"), "--duration must not be negative, got -1.0");
        // finite, but its milliseconds overflow: the timing would never end
        assertUsageError(bench(m, "--inputs", ""), "--inputs is empty; give random, zeros, or the data to feed");
        Path npy = dir.resolve("one.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {1, 3, 48, 192},
                new float[3 * 48 * 192]));
        assertOneLine(1, bench(m, "--inputs", npy.toString(), "--tokenizer", dir.resolve("nope.json").toString()),
                dir.resolve("nope.json") + ": no such tokenizer file (--tokenizer)");
        assertUsageError(bench(m, "--duration", "1e308"), "--duration must be below 9223372036 (292 years), got 1.0E308");
        assertUsageError(bench(m, "--duration", "Infinity", "--iterations", "1"),
                "--duration must be a finite number, got Infinity");
        assertUsageError(bench(m, "--duration", "NaN"), "--duration must be a finite number, got NaN");
        assertUsageError(bench(m, "--warmup", "Infinity"), "--warmup must be a finite number, got Infinity");
        assertUsageError(bench(m, "--warmup", "-5"), "--warmup must not be negative, got -5.0");
        assertUsageError(bench(m, "--percentiles", "50,150"), "--percentiles must be in [0, 100], got 150");
    }

    /** Found without a GPU: files that cannot be engines, and options no engine reads, before the backend is. */
    @Test
    void engineFilesAndTheirOptionsAreCheckedBeforeTheBackend() throws Exception {
        Path empty = Files.write(dir.resolve("empty.engine"), new byte[0]);
        assertOneLine(1, bench(empty.toString()), empty + ": an empty file, not a TensorRT engine");
        Path onnx = Files.copy(model, dir.resolve("model-as.engine"));
        assertOneLine(1, bench(onnx.toString()), onnx + ": an ONNX model, not a TensorRT engine");
        Path engine = Files.write(dir.resolve("x.engine"), new byte[16]);
        EngineSidecarFile.write(engine, new EngineSidecar(1, Provenance.sha256(engine), "10.15.1", "Tesla T4", "7.5",
                "fp16", null, false, null, null, "cls.onnx", "m", List.of(Map.of("x", new ShapeRange(
                new long[] {1, 3, 48, 192}, new long[] {8, 3, 48, 192}, new long[] {32, 3, 48, 192})))));
        assertOneLine(2, bench(engine.toString(), "--shapes", "y:1x3x48x192"), engine + ": --shapes names input "
                + "'y', which the engine does not have (its inputs: x)");
        // the summary named like the sidecar would have replaced it after timing, orphaning the engine
        Path sidecar = EngineSidecarFile.pathFor(engine);
        byte[] sidecarBefore = Files.readAllBytes(sidecar);
        assertUsageError(bench(engine.toString(), "--summary-json", sidecar.toString()), "--summary-json names "
                + sidecar + ", which is the sidecar of an engine timed this command reads; write it elsewhere");
        assertThat(Files.readAllBytes(sidecar)).isEqualTo(sidecarBefore);
        assertUsageError(bench(engine.toString(), "--threads", "2"), "--threads sets ONNX Runtime's threads, "
                + "and every file here runs on TensorRT");
        assertOneLine(1, bench(engine.toString(), "--inputs", dir.resolve("absent.npz").toString()),
                dir.resolve("absent.npz") + ": no such file or folder");
        Files.write(engine, new byte[17]);
        assertOneLine(1, bench(engine.toString()), engine + ": not the engine its sidecar x.engine.json describes");
    }

    private static void assertUsageError(CliRun run, String message) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: " + message);
    }

    private static void assertOneLine(int exitCode, CliRun run, String fragment) {
        assertThat(run.exitCode()).isEqualTo(exitCode);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: ").contains(fragment);
    }
}
