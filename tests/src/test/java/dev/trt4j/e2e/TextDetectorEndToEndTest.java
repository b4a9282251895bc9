package dev.trt4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.table.CalibrationTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PP-OCRv4 text detector through the command line, with no data given: trt4j recognises it by its shapes,
 * renders pages of the bundled sentences for it, calibrates, quantizes, and scores both models by finding the
 * known lines (hmean of precision and recall).
 */
class TextDetectorEndToEndTest {
    private static final String SHAPES = "x:2x3x192x256";

    @TempDir
    static Path work;

    static Path model;

    @BeforeAll
    static void copyModel() {
        model = RealModels.copy(RealModels.PPOCR_DET, work);
    }

    @Test
    void calibrateRendersPagesForADetectorWithoutData() throws Exception {
        Path out = work.resolve("calibration");
        CliRun run = CliRun.of("calibrate", model.toString(), "--samples", "4", "--batch", "2", "--shapes", SHAPES,
                "--method", "max", "--qdq-only", "--out", out.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("data").asText()).startsWith("rendered-pages:bundled sentences (4 pages, ");
        CalibrationTable max = CalibrationTable.read(out.resolve("max.table.json"));
        assertThat(max.provenance().sampleCount()).isEqualTo(4L);
        assertThat(max.size()).as("the inputs of the detector's Conv layers").isGreaterThan(20);
        assertThat(max.amaxByTensor().values()).allSatisfy(a -> assertThat(a).isPositive().isFinite());
    }

    @Test
    void compareCalibratorsScoresTheDetectorByTheLinesItFinds() throws Exception {
        Path out = work.resolve("comparison");
        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--methods", "max", "--samples", "4",
                "--eval-samples", "6", "--batch", "2", "--shapes", SHAPES, "--out", out.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("comparison.json")));
        assertThat(json.path("metric").asText()).isEqualTo("hmean");
        assertThat(json.path("evaluationData").asText()).startsWith("rendered-pages:bundled sentences [4, 10)");
        JsonNode row = json.path("methods").path("rows").get(0).path("values");
        assertThat(row.get(0).asDouble()).as("FP32 finds most of the 36 rendered lines").isGreaterThanOrEqualTo(0.8);
        assertThat(row.get(1).asDouble()).as("INT8 (max) too").isGreaterThanOrEqualTo(0.7);
    }
}
