package dev.trt4j.e2e;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchmarkBackends;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;
import dev.trt4j.timing.TimingSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CPU benchmark end to end on the real models, FP32 against INT8: PP-OCR's text-direction classifier quantized
 * here to Q/DQ in both layouts (TensorRT's, and ONNX Runtime's CPU one; max ranges over rendered text lines) and
 * all-MiniLM-L6-v2 against its published INT8 model. The models stay in {@code target/e2e/}. Timings are short;
 * the test checks the plumbing and the table, not the speed.
 */
class CpuSpeedupTableTest {
    static final Path OUT = Path.of("target/e2e");
    static final TimingSettings SHORT = TimingSettings.builder().warmUpMs(20).minWarmUpQueries(2).minIterations(3)
            .durationMs(100).build();
    static Path clsFp32;
    static Path clsInt8;
    static Path clsInt8Cpu;

    @BeforeAll
    static void quantizeTheClassifier() throws IOException {
        Files.createDirectories(OUT);
        clsFp32 = extract("/models/ch_ppocr_mobile_v2.0_cls_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        OnnxModel model = OnnxModel.load(clsFp32);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        QdqQuantizer cpu = new QdqQuantizer(QuantizationConfig.builder().target(QuantizationTarget.ONNXRUNTIME_CPU)
                .reduceRange(true).skipDepthwise(true).build());
        ModelProto proto = model.proto();
        // The CPU layout also quantizes Conv outputs (and leaves depthwise Convs alone): collect both lists.
        Set<String> union = new LinkedHashSet<>(quantizer.requiredActivations(proto));
        union.addAll(cpu.requiredActivations(proto));
        List<String> needed = List.copyOf(union);
        assertThat(needed.size()).isGreaterThan(quantizer.requiredActivations(proto).size());
        DataOptions data = DataOptions.builder().fixedShape("x", 8, 3, 48, 192).maxSamples(64).build();
        ActivationStatistics stats;
        try (CalibrationDataSource lines = DataSourceFactory.openBundledSentences(model.inputs(), data)) {
            stats = new ActivationStatisticsCollector(model, needed, StatisticsOptions.defaults()).collect(lines);
        }
        Map<String, Float> amax = new HashMap<>();
        for (String tensor : needed) {
            amax.put(tensor, stats.tensor(tensor).map(TensorStatistics::absMax).orElseThrow());
        }
        clsInt8 = OUT.resolve("ch_ppocr_mobile_v2.0_cls_infer.int8.onnx");
        quantizer.quantize(proto, amax).write(clsInt8);
        clsInt8Cpu = OUT.resolve("ch_ppocr_mobile_v2.0_cls_infer.int8.cpu.onnx");
        cpu.quantize(proto, amax).write(clsInt8Cpu);
    }

    static Path extract(String resource, String name) throws IOException {
        Path target = OUT.resolve(name);
        try (InputStream in = CpuSpeedupTableTest.class.getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static SpeedupTable.Entry time(String model, String precision, Path file, int batch,
                                           Map<String, long[]> shapes) {
        BenchmarkResult r = BenchmarkBackends.named("onnxruntime").run(new BenchmarkRequest(file, batch, shapes,
                BenchInputs.random(0), SHORT, 1));
        assertThat(r.report().queries()).isGreaterThanOrEqualTo(3);
        assertThat(r.report().samplesPerQuery()).isEqualTo(batch);
        return new SpeedupTable.Entry(model, precision, batch, r.report().samplesPerSecond());
    }

    @Test
    void fp32AgainstInt8OnTheClassifierAndMiniLm() throws IOException {
        Path minilm = extract("/all-minilm-l6-v2.onnx", "all-minilm-l6-v2.onnx");
        Path minilmQ = extract("/all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q.onnx");
        Map<String, long[]> line = Map.of("x", new long[] {1, 3, 48, 192});
        Map<String, long[]> text = Map.of("input_ids", new long[] {1, 128}, "attention_mask", new long[] {1, 128},
                "token_type_ids", new long[] {1, 128});
        List<SpeedupTable.Entry> entries = new ArrayList<>();
        for (int batch : new int[] {1, 8}) {
            entries.add(time("ppocr-cls", "fp32", clsFp32, batch, line));
            entries.add(time("ppocr-cls", "int8", clsInt8, batch, line));
            entries.add(time("ppocr-cls", "int8-cpu", clsInt8Cpu, batch, line));
        }
        entries.add(time("minilm", "fp32", minilm, 1, text));
        entries.add(time("minilm", "int8", minilmQ, 1, text));

        SpeedupTable table = SpeedupTable.of("fp32", entries);
        assertThat(table.models()).containsExactly("ppocr-cls", "minilm");
        assertThat(table.batches()).containsExactly(1, 8);
        assertThat(table.speedup("ppocr-cls", 8, "int8")).isPresent();
        assertThat(table.precisions()).containsExactly("fp32", "int8", "int8-cpu");
        assertThat(table.speedup("minilm", 1, "int8-cpu")).isEmpty();
        assertThat(table.speedup("minilm", 1, "int8").orElseThrow()).isPositive();
        assertThat(table.speedup("minilm", 8, "int8")).isEmpty();
        assertThat(SpeedupTableText.markdown(table)).contains("| ppocr-cls | 1.00 |").contains("| minilm | 1.00 |");
    }
}
