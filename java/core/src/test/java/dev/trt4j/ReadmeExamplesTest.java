package dev.trt4j;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.Fp16Converter;
import dev.trt4j.quantize.InputSpecializer;
import dev.trt4j.quantize.ModelEqualizer;
import dev.trt4j.quantize.NodeSelection;
import dev.trt4j.quantize.OpsetUpgrade;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.InferenceSession;
import dev.trt4j.runtime.InferenceStream;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.stats.StatisticsSession;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's Java examples, kept here (each README line is checked to stand here) so that a change to the public
 * API that breaks them fails the build. The serving example and the library example's first lines run on the PP-OCR classifier;
 * the rest, which needs sample folders and Silero VAD, only has to compile.
 */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    /**
     * Each statement of README.md's Java blocks stands in this file (whitespace aside, a {@code Path.of("...")} in
     * the README standing for this test's own file): an example edited in the README alone would otherwise go
     * unchecked while these copies kept passing.
     */
    @Test
    void theReadmesJavaBlocksAreTheOnesCheckedHere() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("../../README.md"));
        String here = java.nio.file.Files.readString(Path.of("src/test/java/dev/trt4j/ReadmeExamplesTest.java"))
                .replaceAll("\\s+", " ");
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("(?s)```java\n(.*?)```").matcher(readme);
        int statements = 0;
        while (block.find()) {
            for (String line : block.group(1).split("\n")) {
                String code = line.replaceAll("\\s+", " ").strip();
                int comment = code.indexOf(" //");
                if (comment >= 0 && code.substring(0, comment).chars().filter(c -> c == '"').count() % 2 == 0) {
                    code = code.substring(0, comment).strip(); // a trailing comment, outside any string
                }
                if (code.isEmpty() || code.startsWith("//")) {
                    continue;
                }
                String pattern = java.util.Arrays.stream(code.split("Path\\.of\\(\"[^\"]*\"\\)", -1))
                        .map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining(
                                "(?:\\w+|Path\\.of\\(\"[^\"]*\"\\)|\\w+\\.resolve\\(\"[^\"]*\"\\))"));
                assertThat(java.util.regex.Pattern.compile(pattern).matcher(here).find())
                        .as("README line not in this test: %s", code).isTrue();
                statements++;
            }
        }
        assertThat(statements).as("README's Java lines").isGreaterThan(50);
    }

    @Test
    void servingFromJava() throws Exception {
        Path cls = TestModels.ppocrClassifier(dir);
        float[] pixels = new float[3 * 48 * 192];
        HostTensor image = HostTensor.ofFloats(new long[] {1, 3, 48, 192}, pixels);

        // README "Serving from Java", the classifier half
        InferenceSession classifier = InferenceSession.open(cls,
                InferenceOptions.defaults().withContexts(4).withIntraOpThreads(1));
        int label = classifier.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 3, 48, 192}, pixels)), out -> {
            FloatBuffer p = out.floats("save_infer_model/scale_0.tmp_1");
            return p.get(0) >= p.get(1) ? 0 : 1;
        });
        CompletableFuture<Map<String, HostTensor>> later = classifier.runAsync(Map.of("x", image));
        assertThat(later.get()).containsKey("save_infer_model/scale_0.tmp_1");
        assertThat(label).isIn(0, 1);
        classifier.close();
    }

    @Test
    void libraryUseOnTheClassifier() throws Exception {
        Path cls = TestModels.ppocrClassifier(dir);
        Path samples = dir.resolve("samples.npy");
        float[] pixels = new float[4 * 3 * 48 * 192];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) Math.sin(i * 0.01);
        }
        NpyFile.write(samples, NpyArray.ofFloats(new long[] {4, 3, 48, 192}, pixels));

        // README "Library use", its first lines, with this test's files
        OnnxModel model = OnnxModel.load(cls);
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(
                model, model.quantizableActivationTensors(), StatisticsOptions.defaults());
        ActivationStatistics stats;
        try (CalibrationDataSource data = DataSourceFactory.open(samples, model.inputs(),
                DataOptions.builder().batchSize(2).build())) {
            stats = collector.collect(data);
        }
        CalibrationTable entropy = AmaxTableCalculator.compute(stats,
                MethodSpec.parse("entropy", CalibrationOptions.defaults()), model.path());
        TensorRtCalibrationCache.fromTable(entropy).write(dir.resolve("entropy.cache"));
        ModelProto int8 = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(model.proto(), entropy).model();
        OnnxModelFile.write(dir.resolve("model.int8.onnx"), int8, false);

        assertThat(dir.resolve("entropy.cache")).isNotEmptyFile();
        assertThat(OnnxModel.load(dir.resolve("model.int8.onnx")).proto()).isEqualTo(int8);
        assertThat(int8.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
    }

    @Test
    void servingAStream() {
        Path vadFile = TestModels.write(TestModels.sileroShaped(), dir, "vad.onnx");
        float[] window = new float[576];
        java.util.Arrays.fill(window, 0.25f);

        // README "Serving from Java", the stateful half, with this test's file
        InferenceSession vad = InferenceSession.open(vadFile, InferenceOptions.defaults().withContexts(4));
        InferenceStream call = vad.stream(StateFeedback.parse(List.of("stateN=state")));
        HostTensor sampleRate = HostTensor.ofLongs(new long[] {}, new long[] {16000});  // Silero's sr, a scalar
        float speech = call.run(Map.of("input", HostTensor.ofFloats(new long[] {1, 576}, window), "sr", sampleRate),
                out -> out.floats("output").get(0));
        call.reset();  // a new recording starts from a zero state
        vad.close();

        assertThat(speech).isEqualTo(0.25f);
    }

    /** README "Library use": compiled, not run (it needs samples, a second data set and Silero VAD). */
    @SuppressWarnings("unused")
    static void libraryUse(CalibrationDataSource firstData, CalibrationDataSource secondData,
            CalibrationTable smoothedTable, CalibrationTable smoothedAllTensorsTable) throws Exception {
        OnnxModel model = OnnxModel.load(Path.of("model.onnx"));
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(
                model, model.quantizableActivationTensors(), StatisticsOptions.defaults());
        ActivationStatistics stats;
        try (CalibrationDataSource data = DataSourceFactory.open(Path.of("samples.npy"), model.inputs(),
                DataOptions.builder().batchSize(32).build())) {
            stats = collector.collect(data);
        }
        try (StatisticsSession session = collector.open()) {
            ActivationStatistics first = session.collect(firstData);
            ActivationStatistics second = session.collect(secondData);
        }
        CalibrationTable entropy = AmaxTableCalculator.compute(stats,
                MethodSpec.parse("entropy", CalibrationOptions.defaults()), model.path());
        TensorRtCalibrationCache.fromTable(entropy).write(Path.of("entropy.cache"));

        ModelEqualizer.Result eq;
        try (CalibrationDataSource data = DataSourceFactory.open(Path.of("samples.npy"), model.inputs(),
                DataOptions.builder().batchSize(32).build())) {
            eq = ModelEqualizer.searchingAlpha().equalize(model, data, OrtRunnerOptions.defaults());
        }
        OnnxModel smoothed = OnnxModel.fromProto(eq.model(), Path.of("model.eq.onnx"));
        ModelProto int8 = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(smoothed.proto(), smoothedTable).model();
        OnnxModelFile.write(Path.of("model.int8.onnx"), int8, false);
        ModelProto cpu = new QdqQuantizer(QuantizationConfig.builder().target(QuantizationTarget.ONNXRUNTIME_CPU)
                .reduceRange(true).build()).quantize(smoothed.proto(), smoothedAllTensorsTable).model();

        ModelProto raised = OpsetUpgrade.toTarget(model.proto());
        ModelProto flat = InputSpecializer.fix(raised, Map.of("sr", InputSpecializer.value(raised, "sr", "16000")),
                Map.of("state", new long[] {2, 1, 128})).model();
        ModelProto half = new Fp16Converter(NodeSelection.parse(raised.getGraph(),
                List.of("head/MatMul", "Gelu", "^attn/"))).convert(raised).model();

        StateFeedback state = StateFeedback.parse(List.of("stateN=state"));
        OnnxModel vad = OnnxModel.load(Path.of("vad.onnx"));
        DataOptions windows = DataOptions.builder().batchSize(1).audioHop(512).build();
        ActivationStatistics speech = new ActivationStatisticsCollector(vad, vad.quantizableActivationTensors(),
                StatisticsOptions.defaults().withFeedback(state).withRangePass(true))
                .collect(() -> DataSourceFactory.open(Path.of("speech"), state.dataInputs(vad.inputs()), windows),
                        ProgressListener.NONE);
        try (CalibrationDataSource held = DataSourceFactory.open(Path.of("held-out"), state.dataInputs(vad.inputs()),
                windows)) {
            EvaluationResult r = Evaluator.evaluate(vad.path(), Path.of("vad.int8.onnx"), held, Optional.empty(),
                    EvaluationOptions.defaults().withFeedback(state));
        }
    }
}
