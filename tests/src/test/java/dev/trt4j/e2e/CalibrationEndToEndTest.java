package dev.trt4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trt4j calibrate} on real pretrained models with real data: the PP-OCR text-direction classifier on text
 * lines rendered from real sentences, and all-MiniLM-L6-v2 on real sentences through its own tokenizer — all four
 * methods; every cache must parse back to the same ranges as its table.
 */
class CalibrationEndToEndTest {
    private static final List<String> METHODS = List.of("max", "entropy", "percentile-99.99", "mse");

    @TempDir
    static Path work;

    static Path clsOut;
    static CliRun clsRun;

    @BeforeAll
    static void calibrateClassifier() {
        Path model = RealModels.copy(RealModels.PPOCR_CLS, work);
        Path sentences = RealModels.sentences(work, 96);
        clsOut = work.resolve("cls-calibration");
        clsRun = CliRun.of("calibrate", model.toString(), "--data", sentences.toString(), "--rotate-half",
                "--samples", "64", "--batch", "16", "--out", clsOut.toString(), "--json");
    }

    @Test
    void classifierCalibrationWritesACacheAndTableForEveryMethod() throws Exception {
        assertThat(clsRun.exitCode()).as(clsRun.err()).isZero();
        assertThat(clsRun.err()).isEmpty();
        for (String m : METHODS) {
            assertThat(clsOut.resolve(m + ".cache")).isRegularFile();
            assertThat(clsOut.resolve(m + ".table.json")).isRegularFile();
        }
        JsonNode summary = new ObjectMapper().readTree(clsRun.out());
        assertThat(summary.get("samples").asLong()).isEqualTo(64);
        assertThat(summary.get("methods")).hasSize(4);
        // Nothing but the outputs is left in the folder: no temp files from the atomic writes.
        try (var files = Files.list(clsOut)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void everyClassifierCacheParsesBackToItsTable() {
        for (String m : METHODS) {
            assertCacheMatchesTable(clsOut, m);
        }
    }

    @Test
    void rangesAgreeWithTheCollectedStatistics() {
        Map<String, TensorStatistics> stats = HistogramJson.readStatistics(clsOut.resolve("statistics.json"))
                .statistics().tensors();
        CalibrationTable max = CalibrationTable.read(clsOut.resolve("max.table.json"));
        CalibrationTable percentile = CalibrationTable.read(clsOut.resolve("percentile-99.99.table.json"));
        CalibrationTable entropy = CalibrationTable.read(clsOut.resolve("entropy.table.json"));
        CalibrationTable mse = CalibrationTable.read(clsOut.resolve("mse.table.json"));
        assertThat(max.tensorNames()).containsExactlyElementsOf(stats.keySet());
        assertThat(stats).containsKey("x"); // the graph input feeds the first Conv
        for (String name : max.tensorNames()) {
            TensorStatistics s = stats.get(name);
            Histogram h = s.histogram();
            assertThat(max.amax(name)).as(name).isEqualTo(s.absMax());
            assertThat(s.absMax()).as(name + ": a real activation is not all zeros").isPositive();
            // calibration.md §2.6, transcribed here apart from the calibrator: the left edge of the bin where the
            // sequential double CDF first reaches 99.99 %
            assertThat(percentile.amax(name)).as(name).isEqualTo(referencePercentile(h, 99.99));
            // §2.4: an edge, from the start bin (128) on; §2.5: a bin centre, from the start bin on, below the last
            assertThat(entropy.amax(name)).as(name).isPositive()
                    .isIn(IntStream.rangeClosed(128, h.numBins()).mapToObj(h::edge).toList());
            assertThat(mse.amax(name)).as(name).isPositive().isIn(IntStream.range(128, h.numBins())
                    .mapToObj(k -> (h.edge(k) + h.edge(k + 1)) / 2f).toList());
        }
        // The input is PP-OCR-normalised to [-1, 1]: its max range is exactly 1 (white background pixels).
        assertThat(max.amax("x")).isEqualTo(1.0f);
        assertThat(max.provenance().sampleCount()).isEqualTo(64L);
        assertThat(max.provenance().modelFileName()).isEqualTo("ch_ppocr_mobile_v2.0_cls_infer.onnx");
    }

    @Test
    void savedStatisticsGiveTheSameRangesWithoutRunningTheModel() {
        Path model = work.resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        Path again = work.resolve("from-statistics");
        CliRun run = CliRun.of("calibrate", model.toString(), "--statistics",
                clsOut.resolve("statistics.json").toString(), "--method", "entropy,mse", "--out", again.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String m : List.of("entropy", "mse")) {
            assertThat(CalibrationTable.read(again.resolve(m + ".table.json")).amaxByTensor())
                    .isEqualTo(CalibrationTable.read(clsOut.resolve(m + ".table.json")).amaxByTensor());
        }
    }

    @Test
    void statisticsOfAnotherModelAreRefusedInOneLine() throws Exception {
        Path other = RealModels.copy(RealModels.PPOCR_REC, Files.createDirectories(work.resolve("rec")));
        Path out = work.resolve("refused");
        CliRun run = CliRun.of("calibrate", other.toString(), "--statistics",
                clsOut.resolve("statistics.json").toString(), "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).doesNotContain("\n").contains("statistics.json").contains("another model");
        assertThat(out).doesNotExist();
    }

    @Test
    void miniLmCalibratesOnRealSentencesWithItsTokenizer() throws Exception {
        Path folder = Files.createDirectories(work.resolve("minilm"));
        Path model = RealModels.copy(RealModels.MINILM, folder);
        Path tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, folder);
        Path sentences = RealModels.sentences(folder, 48);
        Path out = folder.resolve("calibration");
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", sentences.toString(), "--tokenizer",
                tokenizer.toString(), "--seq-len", "64", "--samples", "32", "--batch", "8", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        CalibrationTable max = CalibrationTable.read(out.resolve("max.table.json"));
        // int64 token inputs are never calibrated; the float activations feeding MatMul/Gemm/Add are.
        assertThat(max.tensorNames()).doesNotContain("input_ids", "attention_mask", "token_type_ids");
        assertThat(max.size()).isGreaterThan(30);
        assertThat(max.amaxByTensor().values()).allSatisfy(a -> assertThat(a).isPositive());
        for (String m : METHODS) {
            assertCacheMatchesTable(out, m);
        }
        assertThat(run.out()).contains("Calibrated all-minilm-l6-v2.onnx on 32 samples");
    }

    private static float referencePercentile(Histogram h, double percentile) {
        long[] counts = h.counts();
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double cdf = 0;
        for (int k = 0; k < counts.length; k++) {
            cdf += (double) counts[k] / total;
            if (cdf >= percentile / 100) {
                return h.edge(k);
            }
        }
        return h.edge(counts.length);
    }

    private static void assertCacheMatchesTable(Path folder, String method) {
        CalibrationTable table = CalibrationTable.read(folder.resolve(method + ".table.json"));
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.read(folder.resolve(method + ".cache"));
        assertThat(cache.scaleBitsByTensor().keySet()).as(method).containsExactlyElementsOf(table.tensorNames());
        table.amaxByTensor().forEach((name, amax) -> assertThat(cache.scale(name)).as(method + " " + name)
                .isEqualTo(TensorRtCalibrationCache.scaleOf(amax)));
        // And the text round trip is byte-exact.
        assertThat(TensorRtCalibrationCache.parse(cache.toText(), "again").toText()).isEqualTo(cache.toText());
        assertThat(cache.algorithm()).isEqualTo(method.equals("max") ? TensorRtCalibrationCache.MIN_MAX_CALIBRATION
                : TensorRtCalibrationCache.ENTROPY_CALIBRATION_2);
    }
}
