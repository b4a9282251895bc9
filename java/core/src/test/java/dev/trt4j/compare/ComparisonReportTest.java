package dev.trt4j.compare;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ComparisonReportTest {
    private static ComparisonReport scored(boolean higherIsBetter, Double... scores) {
        List<String> columns = List.of("FP32", "max", "entropy", "percentile-99.99", "mse").subList(0, scores.length);
        ResultTable methods = new ResultTable("methods", "model", columns,
                List.of(new ResultTable.Row("m", Arrays.asList(scores))));
        ResultTable fidelity = new ResultTable("fidelity", "method", List.of("score"), List.of());
        return new ComparisonReport("m.onnx", "0".repeat(64), "accuracy", higherIsBetter, "data", 8, "held", 8,
                "per-channel", methods, fidelity, null, null);
    }

    @Test
    void theBestMethodFollowsTheMetricsDirectionAndSkipsWhatDidNotScore() {
        assertThat(scored(true, 0.98, 0.97, 0.75, 0.98, 0.96).bestMethod()).hasValue("percentile-99.99");
        assertThat(scored(false, 0.10, 0.20, 0.15, 0.30).bestMethod()).hasValue("entropy");
        // without fidelity figures, the first of equal scores; FP32's column is the reference, never a method
        assertThat(scored(true, 1.0, 0.9, 0.9).bestMethod()).hasValue("max");
        assertThat(scored(true, 0.98, Double.NaN, null, 0.5).bestMethod()).hasValue("percentile-99.99");
        assertThat(scored(true, 0.98, Double.NaN).bestMethod()).isEmpty();
    }

    /** Five methods at accuracy 1.0 (seen on the classifier): the one whose outputs stay closest to FP32's wins. */
    @Test
    void equalScoresGoToTheMethodWhoseOutputsStayClosest() {
        List<String> columns = List.of("FP32", "max", "entropy", "percentile-99.99", "mse");
        ResultTable methods = new ResultTable("methods", "model", columns,
                List.of(new ResultTable.Row("m", List.of(1.0, 1.0, 0.9, 1.0, 1.0))));
        ResultTable fidelity = new ResultTable("fidelity", "method", List.of("accuracy", "drop", "cosine", "SNR dB"),
                List.of(new ResultTable.Row("max", List.of(1.0, 0.0, 0.99970, 32.2)),
                        new ResultTable.Row("entropy", List.of(0.9, 0.1, 0.99999, 40.0)),
                        new ResultTable.Row("percentile-99.99", List.of(1.0, 0.0, 0.99984, 34.8)),
                        new ResultTable.Row("mse", List.of(1.0, 0.0, 0.99990, 34.8))));
        ComparisonReport report = new ComparisonReport("m.onnx", "0".repeat(64), "accuracy", true, "data", 8, "held",
                8, "per-channel", methods, fidelity, null, null);
        // percentile and mse share the SNR: cosine decides; entropy's closer outputs do not outweigh its score
        assertThat(report.bestMethod()).hasValue("mse");
        // the metric did not choose it, which the report says: the tied methods, the best first
        assertThat(report.tiedForBest()).containsExactly("mse", "max", "percentile-99.99");
        assertThat(report.toJson().get("tiedForBest")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .containsExactly("mse", "max", "percentile-99.99");
    }

    /** A best method that scored alone, or none, ties with nothing: an empty list, in the JSON too. */
    @Test
    void noTieWhereTheMetricAloneChoseTheBest() {
        assertThat(scored(true, 0.98, 0.97, 0.75, 0.98, 0.96).tiedForBest()).isEmpty();
        assertThat(scored(true, 0.98, 0.97, 0.75, 0.98, 0.96).toJson().get("tiedForBest").isArray()).isTrue();
        assertThat(scored(true, 0.98, 0.97, 0.75, 0.98, 0.96).toJson().get("tiedForBest")).isEmpty();
        assertThat(scored(true, 0.98, Double.NaN).tiedForBest()).isEmpty();
        // NaN is not equal to NaN, nor a missing score to anything
        assertThat(scored(true, 0.98, 0.9, Double.NaN, null, Double.NaN).tiedForBest()).isEmpty();
        assertThat(scored(false, 0.10, 0.20, 0.20, 0.30).tiedForBest()).containsExactly("max", "entropy");
    }

    /**
     * The methods table is read across (FP32 next to each method), the INT8-against-FP32 table column by column (an
     * accuracy is not read against a cosine), whether the report was just measured or read back from its JSON.
     */
    @Test
    void theMethodsTableIsReadAcrossItsRowsAndTheFidelityTableByColumn(@org.junit.jupiter.api.io.TempDir
                                                                        java.nio.file.Path dir) {
        ResultTable methods = new ResultTable("methods", "model", List.of("FP32", "max", "entropy"),
                List.of(new ResultTable.Row("m", List.of(1.0, 0.99998721, 0.9))));
        ResultTable fidelity = new ResultTable("fidelity", "method", List.of("accuracy", "drop", "cosine"),
                List.of(new ResultTable.Row("max", List.of(1.0, 0.0, 0.99998721)),
                        new ResultTable.Row("entropy", List.of(0.9, 0.1, 0.99999342))));
        ComparisonReport report = new ComparisonReport("m.onnx", "0".repeat(64), "accuracy", true, "data", 8, "held",
                8, "per-channel", methods, fidelity, null, null);
        java.nio.file.Path file = dir.resolve("comparison.json");
        report.write(file);

        for (ComparisonReport r : List.of(report, ComparisonReport.read(file))) {
            assertThat(r.methods().cellTexts()).containsExactly(List.of("1.00000", "0.99999", "0.90000"));
            assertThat(r.fidelity().cellTexts()).containsExactly(List.of("1.0000", "0.0000", "0.999987"),
                    List.of("0.9000", "0.1000", "0.999993"));
        }
        assertThat(ComparisonReport.read(file)).isEqualTo(report);
    }

    @Test
    void theJsonNamesTheBestMethodAndReadsBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ComparisonReport report = scored(true, 0.98, 0.97, 0.75, 0.98, 0.96);
        assertThat(report.toJson().get("bestMethod").asText()).isEqualTo("percentile-99.99");
        assertThat(scored(true, 0.98, Double.NaN).toJson().get("bestMethod").isNull()).isTrue();
        java.nio.file.Path file = dir.resolve("comparison.json");
        report.write(file);
        assertThat(ComparisonReport.read(file).bestMethod()).hasValue("percentile-99.99");
    }
}
