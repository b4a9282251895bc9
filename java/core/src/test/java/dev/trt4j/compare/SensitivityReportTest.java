package dev.trt4j.compare;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ranking table's decimals and its title's, which are read together. */
class SensitivityReportTest {
    private static SensitivityReport report(double fp32, double quantized, LayerSensitivity... layers) {
        return new SensitivityReport("m.onnx", "0".repeat(64), "max", "accuracy", true, "held", fp32, quantized,
                List.of(layers), null);
    }

    /**
     * The classifier quantized with no accuracy lost: the title said accuracy 1.0000 while the column printed
     * 1.000000 and the drops 0.000000, grown to tell the accuracy from the cosine beside it.
     */
    @Test
    void anAccuracyBesideACosineKeepsTheDecimalsTheTitleGivesIt() {
        ResultTable table = report(1.0, 1.0, new LayerSensitivity("conv1", "Conv", 1.0, 0.0, 0.99998721, 41.2),
                new LayerSensitivity("fc", "Gemm", 1.0, 0.0, 0.99999342, 44.0)).rankingTable();

        assertThat(table.title()).endsWith("; FP32 accuracy 1.0000, all layers INT8 1.0000");
        assertThat(table.cellTexts()).containsExactly(List.of("1.0000", "0.0000", "0.999987", "41.2"),
                List.of("1.0000", "0.0000", "0.999993", "44.0"));
    }

    /** Layer scores that differ only in the sixth decimal: the title's scores are printed in as many. */
    @Test
    void theTitlesScoresHaveTheDecimalsOfTheMetricColumn() {
        ResultTable table = report(0.75, 0.7, new LayerSensitivity("a", "Conv", 0.7123449, 0.0376551, 0.99, 30.0),
                new LayerSensitivity("b", "Conv", 0.7123411, 0.0376589, 0.98, 29.0)).rankingTable();

        assertThat(table.title()).endsWith("; FP32 accuracy 0.750000, all layers INT8 0.700000");
        assertThat(table.cellTexts()).extracting(row -> row.get(0)).containsExactly("0.712345", "0.712341");
    }
}
