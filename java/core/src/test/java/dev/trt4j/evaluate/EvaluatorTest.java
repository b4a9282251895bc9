package dev.trt4j.evaluate;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.data.SyntheticSource;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.Fp16Converter;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The evaluator on the real PP-OCR models with rendered text lines. */
class EvaluatorTest {
    private static final EvaluationOptions OPTIONS = EvaluationOptions.defaults()
            .withRunnerOptions(EvaluationOptions.defaults().runnerOptions().withIntraOpThreads(2));

    @TempDir
    static Path dir;
    static Path fp32;
    static Path fp16;

    @BeforeAll
    static void models() throws IOException {
        fp32 = TestModels.ppocrClassifier(dir);
        ModelProto half = new Fp16Converter().convert(ModelProto.parseFrom(Files.readAllBytes(fp32))).model();
        fp16 = TestModels.write(half, dir, "cls.fp16.onnx");
    }

    private static CalibrationDataSource lines(Path model, int samples) {
        try (OrtModelRunner r = OrtModelRunner.open(model, OrtRunnerOptions.defaults())) {
            return DataSourceFactory.openBundledSentences(r.inputs(), DataOptions.builder().maxSamples(samples)
                    .batchSize(16).rotateHalf(true).seed(3).build());
        }
    }

    @Test
    void noCandidateIsRefusedBeforeTheReferenceRuns() {
        // Before, the reference ran over all the data and an empty list came back.
        assertThatThrownBy(() -> Evaluator.evaluate(fp32, List.of(), lines(fp32, 16), Optional.empty(), OPTIONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("nothing to evaluate: no candidate model");
    }

    /** A cancelled job (Future.cancel(true)) stops between batches instead of running to the end. */
    @Test
    void anInterruptedEvaluationStopsAndKeepsTheInterrupt() {
        CalibrationDataSource data = lines(fp32, 48);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Evaluator.evaluate(fp32, fp32, data, Optional.empty(), OPTIONS))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageContaining(": interrupted while evaluating, after 0 samples of ");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aModelAgainstItselfAgreesExactlyAndItsDirectionTaskIsDetected() {
        EvaluationResult r = Evaluator.evaluate(fp32, fp32, lines(fp32, 48), Optional.empty(), OPTIONS);

        assertThat(r.samples()).isEqualTo(48);
        assertThat(r.outputs()).hasSize(1);
        OutputComparison o = r.outputs().get(0);
        assertThat(o.cosine()).isEqualTo(1.0, within(1e-12));
        assertThat(o.maxAbsoluteError()).isZero();
        assertThat(o.snrDb()).isInfinite();
        assertThat(o.top1Agreement()).as("softmax rows count as class scores").isEqualTo(1.0);
        TaskResult task = r.taskResult().orElseThrow();
        assertThat(task.task()).isEqualTo("classification");
        assertThat(task.samples()).isEqualTo(48);
        assertThat(task.referenceScore()).as("the FP32 classifier reads rendered lines").isGreaterThan(0.9)
                .isEqualTo(task.candidateScore());
    }

    @Test
    void outputsOfTypesItDoesNotCompareAreNotPassedOverInSilence() throws IOException {
        ModelProto doubles = new dev.trt4j.onnx.TestGraph().input("x", dev.trt4j.onnx.TestGraph.FLOAT, 2, 4)
                .output("y", ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, 2, 4)
                .node("Cast", List.of("x"), List.of("y"), dev.trt4j.onnx.TestGraph.intAttribute("to", 11))
                .build(13);
        Path model = TestModels.write(doubles, dir, "doubles.onnx");
        CalibrationDataSource data;
        try (OrtModelRunner r = OrtModelRunner.open(model, OrtRunnerOptions.defaults())) {
            data = new SyntheticSource(r.inputs(), DataOptions.builder().maxSamples(2).batchSize(2).build());
        }

        assertThatThrownBy(() -> Evaluator.evaluate(model, model, data, Optional.empty(), OPTIONS))
                .isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith(": no output to compare: 'y' is of a type trt4j does not compare (it compares "
                        + "float32, float16, int64 and int32 tensors)");
    }

    @Test
    void anFp16ModelOnnxRuntimeRefusesAsWrittenIsNotEvaluatedThroughTheEmulation() {
        // Resize's scales must be float32; the emulation's FP32 rewrite would run this model all the same
        ModelProto invalid = new dev.trt4j.onnx.TestGraph().input("x", dev.trt4j.onnx.TestGraph.FLOAT, 1, 1, 2, 2)
                .output("y", dev.trt4j.onnx.TestGraph.FLOAT, 1, 1, 4, 4)
                .initializer("scales", new long[] {4}, 1f, 1f, 2f, 2f)
                .node("Cast", List.of("x"), List.of("x16"), dev.trt4j.onnx.TestGraph.intAttribute("to", 10))
                .node("Cast", List.of("scales"), List.of("s16"), dev.trt4j.onnx.TestGraph.intAttribute("to", 10))
                .node("Resize", List.of("x16", "", "s16"), List.of("y16"))
                .node("Cast", List.of("y16"), List.of("y"), dev.trt4j.onnx.TestGraph.intAttribute("to", 1))
                .build(13);
        Path model = TestModels.write(invalid, dir, "fp16-scales.onnx");

        assertThatThrownBy(() -> Evaluator.open(model, OPTIONS)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(model + ": ONNX Runtime cannot load the model: ")
                .hasMessageContaining("scales");
    }

    @Test
    void fp16ConversionKeepsTheClassifierOutputs() {
        EvaluationResult r = Evaluator.evaluate(fp32, fp16, lines(fp32, 48), Optional.empty(), OPTIONS);

        OutputComparison o = r.outputs().get(0);
        assertThat(o.cosine()).isGreaterThan(0.999).isLessThan(1.0);
        assertThat(o.snrDb()).isFinite().isGreaterThan(20);
        assertThat(o.top1Agreement()).isGreaterThanOrEqualTo(0.97);
        assertThat(r.taskResult().orElseThrow().candidateScore())
                .isGreaterThanOrEqualTo(r.taskResult().orElseThrow().referenceScore() - 0.03);
    }

    @Test
    void fp16IsEmulatedUnlessAskedNotTo() {
        EvaluationResult emulated = Evaluator.evaluate(fp32, fp16, lines(fp32, 16), Optional.empty(), OPTIONS);
        EvaluationResult plain = Evaluator.evaluate(fp32, fp16, lines(fp32, 16), Optional.empty(),
                OPTIONS.withEmulateFp16(false));

        assertThat(emulated.outputs().get(0).maxAbsoluteError()).isPositive()
                .isNotEqualTo(plain.outputs().get(0).maxAbsoluteError());
    }

    @Test
    void severalCandidatesInOnePassMatchSeparateRuns() {
        List<OrtModelRunner> runners = new ArrayList<>();
        List<EvaluationResult> both;
        try (OrtModelRunner ref = Evaluator.open(fp32, OPTIONS)) {
            runners.add(Evaluator.open(fp16, OPTIONS));
            runners.add(Evaluator.open(fp32, OPTIONS));
            both = Evaluator.evaluate(ref, runners, lines(fp32, 32), Optional.empty(), OPTIONS);
        } finally {
            runners.forEach(OrtModelRunner::close);
        }
        EvaluationResult alone = Evaluator.evaluate(fp32, fp16, lines(fp32, 32), Optional.empty(), OPTIONS);

        assertThat(both).hasSize(2);
        assertThat(both.get(0).outputs()).isEqualTo(alone.outputs());
        assertThat(both.get(0).task()).isEqualTo(alone.task());
        assertThat(both.get(1).outputs().get(0).maxAbsoluteError()).isZero();
    }

    @Test
    void resultIsJson() {
        EvaluationResult r = Evaluator.evaluate(fp32, fp32, lines(fp32, 16), Optional.empty(), OPTIONS);

        JsonNode json = r.toJson();
        assertThat(json.get("samples").asLong()).isEqualTo(16);
        assertThat(json.get("outputs").get(0).get("snrDb").asText()).isEqualTo("Infinity");
        assertThat(json.get("outputs").get(0).get("cosine").asDouble()).isEqualTo(1.0);
        assertThat(json.get("task").get("reference").get("accuracy").asDouble())
                .isEqualTo(r.task().referenceScore());
        assertThat(json.has("taskResult")).isFalse();
    }

    @Test
    void randomDataHasNoTaskAndATaskThatNeedsLabelsSaysSo() {
        try (OrtModelRunner r = OrtModelRunner.open(fp32, OrtRunnerOptions.defaults())) {
            CalibrationDataSource random = new SyntheticSource(r.inputs(), DataOptions.builder()
                    .fixedShape("x", 4, 3, 48, 192).maxSamples(8).build());
            assertThat(TaskMetricFactory.detect(r.inputs(), r.outputs(), random, List.of())).isEmpty();
            assertThatThrownBy(() -> TaskMetricFactory.create(TaskKind.CLASSIFICATION, r.inputs(), r.outputs(),
                    random, List.of()))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageStartingWith("task classification needs samples with known labels");
            assertThatThrownBy(() -> TaskMetricFactory.create(TaskKind.CTC, r.inputs(), r.outputs(), random,
                    List.of("a")))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageStartingWith("task ctc: the model has no output [N,steps,3]");
        }
    }

    @Test
    void candidateWithoutTheReferenceOutputIsRefused() throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(fp32));
        ModelProto renamed = model.toBuilder().setGraph(model.getGraph().toBuilder()
                .setOutput(0, model.getGraph().getOutput(0).toBuilder().setName("other"))
                .addNode(NodeProto.newBuilder().setOpType("Identity")
                        .addInput(model.getGraph().getOutput(0).getName()).addOutput("other"))).build();
        Path other = TestModels.write(renamed, dir, "renamed.onnx");

        assertThatThrownBy(() -> Evaluator.evaluate(fp32, other, lines(fp32, 8), Optional.empty(), OPTIONS))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("renamed.onnx: the candidate has no output 'save_infer_model/scale_0.tmp_1' "
                        + "of the reference");
    }

    /** The PP-OCRv4 recognizer, copied from the test class path to {@code name}, and its character list. */
    private record Recognizer(Path model, List<String> keys) {
        static Recognizer copiedTo(Path file) throws IOException {
            try (InputStream model = EvaluatorTest.class.getResourceAsStream("/models/ch_PP-OCRv4_rec_infer.onnx");
                 InputStream keyFile = EvaluatorTest.class.getResourceAsStream("/models/ppocr_keys_v1.txt")) {
                Files.copy(model, file);
                return new Recognizer(file, CtcGreedyDecoder.readKeys(keyFile, "ppocr_keys_v1.txt"));
            }
        }
    }

    @Test
    void recognizerTextIsDecodedWithTheKeysAndComparedWithTheRenderedTexts() throws IOException {
        Recognizer recognizer = Recognizer.copiedTo(dir.resolve("rec.onnx"));
        Path rec = recognizer.model();
        List<String> keys = recognizer.keys();
        CalibrationDataSource data;
        try (OrtModelRunner r = OrtModelRunner.open(rec, OrtRunnerOptions.defaults())) {
            data = DataSourceFactory.openBundledSentences(r.inputs(), DataOptions.builder().maxSamples(8)
                    .fixedShapes("x:4x3x48x640").imagePreprocessing(ImagePreprocessing.ppOcrRecognizer(640)).build());
        }

        EvaluationResult result = Evaluator.evaluate(rec, rec, data, Optional.empty(), OPTIONS.withCtcKeys(keys));

        TaskResult task = result.taskResult().orElseThrow();
        assertThat(task.task()).isEqualTo("ctc-text");
        assertThat(task.reference().get("exactMatch")).as("FP32 reads most lines exactly")
                .isGreaterThanOrEqualTo(0.75);
        assertThat(task.reference().get("characterErrorRate")).isLessThan(0.05);
        assertThat(task.candidate()).isEqualTo(task.reference());
    }

    /**
     * The user's own line images, listed with their texts in a label file as PaddleOCR's rec_gt.txt is, are scored
     * against those texts: a line labelled with another text counts as misread, by FP32 too.
     */
    @Test
    void recognizerLinesOfALabelFileAreScoredAgainstItsTexts() throws IOException {
        Recognizer recognizer = Recognizer.copiedTo(dir.resolve("rec-labelled.onnx"));
        Path rec = recognizer.model();
        List<String> keys = recognizer.keys();
        List<String> texts = List.of("The quick brown fox", "jumps over the lazy dog", "Hello world 2026",
                "trt4j reads labels");
        Files.createDirectories(dir.resolve("crops"));
        StringBuilder labels = new StringBuilder();
        dev.trt4j.data.text.TextLineRenderer renderer = new dev.trt4j.data.text.TextLineRenderer();
        for (int i = 0; i < texts.size(); i++) {
            javax.imageio.ImageIO.write(renderer.render(texts.get(i)), "png",
                    dir.resolve("crops/word_" + i + ".png").toFile());
            // the last line is labelled with another text: it must count as misread
            labels.append("crops/word_").append(i).append(".png\t")
                    .append(i == texts.size() - 1 ? "something else" : texts.get(i)).append('\n');
        }
        Path gt = Files.writeString(dir.resolve("rec_gt.txt"), labels);
        CalibrationDataSource data;
        try (OrtModelRunner r = OrtModelRunner.open(rec, OrtRunnerOptions.defaults())) {
            data = DataSourceFactory.open(gt, r.inputs(), DataOptions.builder().fixedShapes("x:2x3x48x640")
                    .imagePreprocessing(ImagePreprocessing.ppOcrRecognizer(640)).build());
        }
        assertThat(data.describe()).startsWith("labelled-images:" + gt + " (4 images, ");

        EvaluationResult result = Evaluator.evaluate(rec, rec, data, Optional.empty(), OPTIONS.withCtcKeys(keys));

        TaskResult task = result.taskResult().orElseThrow();
        assertThat(task.task()).isEqualTo("ctc-text");
        assertThat(task.reference().get("exactMatch")).as("three lines read, the mislabelled one not")
                .isEqualTo(0.75);
    }

    /** Padded positions, which pooling ignores, would otherwise dominate the output metrics of short sentences. */
    @Test
    void anOutputOfAVectorPerTokenIsJudgedOnTheTokensTheAttentionMaskKeeps() throws IOException {
        // the reference passes the hidden states through; the candidate zeroes the padded position
        Path reference = TestModels.write(tokenModel(false), dir, "hidden.onnx");
        Path candidate = TestModels.write(tokenModel(true), dir, "hidden-masked.onnx");
        Batch batch = new Batch(1, Map.of(
                "hidden", HostTensor.ofFloats(new long[] {1, 3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                "attention_mask", HostTensor.ofLongs(new long[] {1, 3}, new long[] {1, 1, 0})));

        EvaluationResult r = Evaluator.evaluate(reference, candidate, batches(List.of(batch)), Optional.empty(),
                OPTIONS);

        OutputComparison y = r.outputs().get(0);
        assertThat(y.elements()).isEqualTo(4);
        assertThat(y.maxAbsoluteError()).isZero();
        assertThat(y.cosine()).isEqualTo(1.0, within(1e-12));

        // a sample whose mask keeps nothing would be judged on nothing, and score perfectly
        Batch unmasked = new Batch(1, Map.of(
                "hidden", HostTensor.ofFloats(new long[] {1, 3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                "attention_mask", HostTensor.ofLongs(new long[] {1, 3}, new long[3])));
        assertThatThrownBy(() -> Evaluator.evaluate(reference, candidate, batches(List.of(batch, unmasked)),
                Optional.empty(), OPTIONS)).isInstanceOf(Trt4jException.class)
                .hasMessage("ones: input 'attention_mask' keeps no token of sample 1 (every value 0): the model would "
                        + "read nothing of it; a mask marks real tokens with 1");
    }

    private static ModelProto tokenModel(boolean zeroPadding) {
        dev.trt4j.onnx.TestGraph g = new dev.trt4j.onnx.TestGraph()
                .input("hidden", dev.trt4j.onnx.TestGraph.FLOAT, 1, 3, 2)
                .input("attention_mask", dev.trt4j.onnx.TestGraph.INT64, 1, 3)
                .constantInt64("axes", 2)
                .constant("zero", new long[] {}, 0f)
                .node("Cast", List.of("attention_mask"), List.of("m"), dev.trt4j.onnx.TestGraph.intAttribute("to", 1))
                .node("Unsqueeze", List.of("m", "axes"), List.of("m3"));
        if (zeroPadding) {
            g.node("Mul", List.of("hidden", "m3"), List.of("y"));
        } else {
            g.node("Mul", List.of("m3", "zero"), List.of("none")).node("Add", List.of("hidden", "none"), List.of("y"));
        }
        return g.output("y", dev.trt4j.onnx.TestGraph.FLOAT, 1, 3, 2).build(13);
    }

    /**
     * The reference's outputs kept from one pass judge a candidate bit for bit as the reference run beside it does:
     * every output comparison and the detected task metric.
     */
    @Test
    void keptReferenceOutputsJudgeACandidateExactlyAsTheLiveReference() {
        try (OrtModelRunner ref = OrtModelRunner.open(fp32, OPTIONS.runnerOptions());
             OrtModelRunner cand = Evaluator.open(fp16, OPTIONS)) {
            EvaluationResult live = Evaluator.evaluate(ref, List.of(cand), lines(fp32, 40), Optional.empty(), OPTIONS)
                    .get(0);
            ReferenceOutputs kept = ReferenceOutputs.keep(ref, lines(fp32, 40), OPTIONS, Long.MAX_VALUE)
                    .orElseThrow();
            EvaluationResult fromKept = Evaluator.evaluate(kept, List.of(cand), lines(fp32, 40), Optional.empty(),
                    OPTIONS).get(0);

            assertThat(kept.batchCount()).isEqualTo(3);
            assertThat(fromKept.taskResult()).isPresent();
            assertThat(fromKept).isEqualTo(live);
        }
    }

    /** A later pass over other samples, fewer batches or a batch of another size fails, naming the data. */
    @Test
    void keptOutputsRefuseDataThatChangedBetweenPasses() {
        try (OrtModelRunner ref = OrtModelRunner.open(fp32, OPTIONS.runnerOptions());
             OrtModelRunner cand = OrtModelRunner.open(fp32, OPTIONS.runnerOptions())) {
            ReferenceOutputs kept = ReferenceOutputs.keep(ref, lines(fp32, 40), OPTIONS, Long.MAX_VALUE)
                    .orElseThrow();
            String data = lines(fp32, 40).describe();

            assertThatThrownBy(() -> Evaluator.evaluate(kept, List.of(cand), cut(lines(fp32, 40), 2, 16),
                    Optional.empty(), OPTIONS)).isInstanceOf(Trt4jException.class)
                    .hasMessageStartingWith(data + ": the evaluation data changed between passes over it (2 batches, "
                            + "on the first pass 3), so the outputs of the reference ");
            assertThatThrownBy(() -> Evaluator.evaluate(kept, List.of(cand), cut(lines(fp32, 40), 3, 4),
                    Optional.empty(), OPTIONS)).isInstanceOf(Trt4jException.class)
                    .hasMessageContaining("(batch 3 holds 4 samples, on the first pass 8)");
            CalibrationDataSource reseeded;
            try (OrtModelRunner r = OrtModelRunner.open(fp32, OrtRunnerOptions.defaults())) {
                reseeded = DataSourceFactory.openBundledSentences(r.inputs(), DataOptions.builder().maxSamples(40)
                        .batchSize(16).rotateHalf(true).seed(4).build());
            }
            assertThatThrownBy(() -> Evaluator.evaluate(kept, List.of(cand), reseeded, Optional.empty(), OPTIONS))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageContaining(": the evaluation data changed between passes over it (batch 1 holds "
                            + "other samples than on the first pass)")
                    .hasMessageNotContaining("\n");
        }
    }

    /** Outputs past the budget are not kept: the caller runs the reference beside its candidates instead. */
    @Test
    void outputsPastTheBudgetAreNotKept() {
        try (OrtModelRunner ref = OrtModelRunner.open(fp32, OPTIONS.runnerOptions())) {
            assertThat(ReferenceOutputs.keep(ref, lines(fp32, 40), OPTIONS, 100)).isEmpty();
            ReferenceOutputs kept = ReferenceOutputs.keep(ref, lines(fp32, 40), OPTIONS, Long.MAX_VALUE)
                    .orElseThrow();
            // 40 samples of two class scores
            assertThat(kept.bytes()).isBetween(40L * 2 * 4, 40L * 2 * 4 + 3 * 200);
        }
    }

    @Test
    void streamingModelsEachCarryTheirOwnStateSoErrorsAccumulate() throws IOException {
        Path reference = TestModels.write(TestModels.decayingState(0.5f), dir, "decay-half.onnx");
        Path candidate = TestModels.write(TestModels.decayingState(0.75f), dir, "decay-three-quarters.onnx");
        List<Batch> ones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ones.add(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[] {1, 1, 1, 1}))));
        }

        EvaluationResult r = Evaluator.evaluate(reference, candidate, batches(ones), Optional.empty(),
                OPTIONS.withFeedback(StateFeedback.parse(List.of("stateN=state"))));

        assertThat(r.samples()).isEqualTo(3);
        OutputComparison state = r.outputs().stream().filter(o -> o.output().equals("stateN")).findFirst()
                .orElseThrow();
        // the reference's state runs 1, 1.5, 1.75 and the candidate's 1, 1.75, 2.3125: fed back, the gap grows
        assertThat(state.maxAbsoluteError()).isEqualTo(0.5625);
        assertThatThrownBy(() -> Evaluator.evaluate(reference, candidate, batches(ones), Optional.empty(),
                OPTIONS.withFeedback(StateFeedback.parse(List.of("stateN=state,y=x")))))
                .isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("state link y=x: input 'x' is fed back from 'y', so it must not be given "
                        + "as well");
    }

    /** The reference's state is carried while its outputs are kept, as it is when it runs beside the candidate. */
    @Test
    void keptOutputsOfAStreamingReferenceCarryItsState() throws IOException {
        Path reference = TestModels.write(TestModels.decayingState(0.5f), dir, "decay-half-kept.onnx");
        Path candidate = TestModels.write(TestModels.decayingState(0.75f), dir, "decay-three-quarters-kept.onnx");
        List<Batch> ones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ones.add(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[] {1, 1, 1, 1}))));
        }
        EvaluationOptions options = OPTIONS.withFeedback(StateFeedback.parse(List.of("stateN=state")));
        try (OrtModelRunner ref = OrtModelRunner.open(reference, options.runnerOptions());
             OrtModelRunner cand = OrtModelRunner.open(candidate, options.runnerOptions())) {
            EvaluationResult live = Evaluator.evaluate(ref, List.of(cand), batches(ones), Optional.empty(), options)
                    .get(0);
            ReferenceOutputs kept = ReferenceOutputs.keep(ref, batches(ones), options, Long.MAX_VALUE).orElseThrow();
            EvaluationResult fromKept = Evaluator.evaluate(kept, List.of(cand), batches(ones), Optional.empty(),
                    options).get(0);

            assertThat(fromKept.output("stateN").orElseThrow().maxAbsoluteError()).isEqualTo(0.5625);
            assertThat(fromKept).isEqualTo(live);
        }
    }

    /** {@code source}'s first {@code batches} batches, the last cut to {@code lastSize} samples. */
    private static CalibrationDataSource cut(CalibrationDataSource source, int batches, int lastSize) {
        List<Batch> kept = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            Batch b = source.next().orElseThrow();
            kept.add(i < batches - 1 ? b : new Batch(lastSize, b.inputs().entrySet().stream().collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> firstRows(e.getValue(), lastSize)))));
        }
        String name = source.describe();
        java.util.Iterator<Batch> it = kept.iterator();
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }

    private static HostTensor firstRows(HostTensor t, int rows) {
        long[] shape = t.shape().clone();
        int per = (int) (t.elementCount() / shape[0]);
        shape[0] = rows;
        return HostTensor.ofFloats(shape, java.util.Arrays.copyOf(t.floats(), rows * per));
    }

    private static CalibrationDataSource batches(List<Batch> list) {
        java.util.Iterator<Batch> it = list.iterator();
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
            }

            @Override
            public String describe() {
                return "ones";
            }
        };
    }
}
