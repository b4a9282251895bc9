package dev.trt4j.compare;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.JsonDocument;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultTableTest {
    private static final ResultTable TABLE = new ResultTable("Accuracy | by method", "model", List.of("FP32", "max"),
            List.of(new ResultTable.Row("a.onnx", List.of(0.96875, 0.5)),
                    new ResultTable.Row("b.onnx", Arrays.asList(Double.POSITIVE_INFINITY, null))));

    /**
     * A small drop keeps three significant digits and a target reads as given, in the command's summary and the HTML
     * report alike: at four decimals a missed target of 0.00001 read "drop 0.0000".
     */
    @Test
    void smallDropsAndGivenTargetsKeepTheirDigits() {
        assertThat(ResultTable.formatDrop(6.07e-7)).isEqualTo("6.07e-07");
        assertThat(ResultTable.formatDrop(0.0312)).isEqualTo("0.0312");
        assertThat(ResultTable.formatDrop(0)).isEqualTo("0.0000");
        assertThat(ResultTable.formatGiven(0.00001)).isEqualTo("0.00001");
        assertThat(ResultTable.formatGiven(0.02)).isEqualTo("0.02");
        assertThat(ResultTable.formatGiven(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    }

    @Test
    void markdownHasAHeaderRowPerRowAndEscapedPipes() {
        assertThat(TABLE.toMarkdown()).isEqualTo("""
                **Accuracy \\| by method**

                | model | FP32 | max |
                |---|---:|---:|
                | a.onnx | 0.9688 | 0.5000 |
                | b.onnx | ∞ |  |
                """);
    }

    @Test
    void decibelColumnsHaveOneDecimalWhateverTheSize() {
        ResultTable fidelity = new ResultTable("INT8 against FP32", "method", List.of("cosine", "SNR dB"),
                List.of(new ResultTable.Row("max", List.of(0.71, 3.67114)),
                        new ResultTable.Row("entropy", List.of(0.998, 22.4321)),
                        new ResultTable.Row("same", Arrays.asList(1.0, Double.POSITIVE_INFINITY)),
                        new ResultTable.Row("none", Arrays.asList(null, null))));

        assertThat(fidelity.toMarkdown()).endsWith("""
                | max | 0.7100 | 3.7 |
                | entropy | 0.9980 | 22.4 |
                | same | 1.0000 | ∞ |
                | none |  |  |
                """);
        // the same value in a column of cosines gets their four decimals
        assertThat(new ResultTable("t", "m", List.of("cosine"), List.of(new ResultTable.Row("r", List.of(3.67114))))
                .cellTexts()).containsExactly(List.of("3.6711"));
    }

    /**
     * On a model that quantized well every method read 0.9999 while the JSON held 0.99990134 to 0.99992166, and
     * "Best:" named one for no visible reason: the methods' row gets the decimals that tell its scores apart.
     */
    @Test
    void aRowWhoseScoresReadAlikeAtFourDecimalsGetsMore() {
        ResultTable methods = new ResultTable("INT8 cosine by method", "model",
                List.of("FP32", "max", "percentile-99.99", "mse"),
                List.of(new ResultTable.Row("m.onnx", List.of(1.0, 0.99990134, 0.99992166, 0.99991))), true);

        assertThat(methods.toMarkdown()).endsWith("| m.onnx | 1.00000 | 0.99990 | 0.99992 | 0.99991 |\n");
    }

    /**
     * Sensitivity's accuracy 1.0 and drop 0.0 printed 1.000000 and 0.000000 next to a cosine of 0.99998721, while its
     * title said 1.0000: an accuracy is not read against a cosine, so each of these columns counts alone.
     */
    @Test
    void columnsOfDifferentQuantitiesDoNotGrowEachOther() {
        List<ResultTable.Row> rows = List.of(new ResultTable.Row("conv1", List.of(1.0, 0.0, 0.99998721, 41.2)),
                new ResultTable.Row("conv2", List.of(1.0, 0.0, 0.99999342, 44.0)));
        ResultTable ranking = new ResultTable("Layers", "layer", List.of("accuracy", "drop", "cosine", "SNR dB"), rows);

        assertThat(ranking.cellTexts()).containsExactly(List.of("1.0000", "0.0000", "0.999987", "41.2"),
                List.of("1.0000", "0.0000", "0.999993", "44.0"));
        // read across, as a table of one quantity is, the row's 1.0 and 0.99998721 would tell each other apart
        assertThat(ranking.asOneQuantity().cellTexts().get(0)).containsExactly("1.00000", "0.00000", "0.999987",
                "41.2");
        assertThat(ranking.oneQuantity()).isFalse();
    }

    /** Layers that all read cosine 1.0000 and drop 0.0000 were ranked for no visible reason. */
    @Test
    void aColumnWhoseValuesReadAlikeGetsTheDecimalsThatTellThemApart() {
        ResultTable ranking = new ResultTable("Layers", "layer", List.of("accuracy", "drop", "cosine", "SNR dB"),
                List.of(new ResultTable.Row("conv1", List.of(0.75, 0.0000312, 0.9999998731, 58.213)),
                        new ResultTable.Row("conv2", List.of(0.75, 0.0000301, 0.9999999254, 58.2449)),
                        new ResultTable.Row("fc", List.of(0.75, 0.0, 1.0, 61.0))));

        assertThat(ranking.toMarkdown()).endsWith("""
                | conv1 | 0.7500 | 0.000031 | 0.99999987 | 58.21 |
                | conv2 | 0.7500 | 0.000030 | 0.99999993 | 58.24 |
                | fc | 0.7500 | 0.000000 | 1.00000000 | 61.00 |
                """);
    }

    /**
     * The decimals grow no further than 8 significant digits after a value's opening 9s, nor past 12: a cosine of
     * identical outputs, 1.0 or one rounding step below it, reads 1.0000 either way, and so does 0.5 a billionth off.
     */
    @Test
    void valuesThatDifferOnlyInTheirRoundingKeepFourDecimals() {
        ResultTable noise = new ResultTable("t", "m", List.of("cosine", "score"),
                List.of(new ResultTable.Row("a", List.of(1.0, 0.5)),
                        new ResultTable.Row("b", List.of(0.9999999999999998, 0.500000001))));

        assertThat(noise.cellTexts()).containsExactly(List.of("1.0000", "0.5000"), List.of("1.0000", "0.5000"));
        assertThat(ResultTable.formatApart(List.of(0.99990134, 0.9999))).containsExactly("0.999901", "0.999900");
        assertThat(ResultTable.formatApart(List.of(0.75, 0.5))).containsExactly("0.7500", "0.5000");
    }

    @Test
    void jsonRoundTripsIncludingInfinityAndEmptyCells() {
        String text = JsonDocument.toText(TABLE.toJson(), false);
        JsonDocument doc = JsonDocument.parse(text, "t.json");

        assertThat(ResultTable.fromJson(doc, doc.root(), "table")).isEqualTo(TABLE);
        assertThat(text).contains("\"Infinity\"").contains("null");
    }

    @Test
    void aRowOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> new ResultTable("t", "m", List.of("a", "b"),
                List.of(new ResultTable.Row("r", List.of(1.0)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 'r' has 1 values for 2 columns");
        JsonDocument doc = JsonDocument.parse("{\"title\":\"t\",\"rowHeader\":\"m\",\"columns\":[\"a\"],"
                + "\"rows\":[{\"label\":\"r\",\"values\":[\"x\"]}]}", "bad.json");
        assertThatThrownBy(() -> ResultTable.fromJson(doc, doc.root(), "table")).isInstanceOf(Trt4jException.class)
                .hasMessage("bad.json: table.rows[0].values[0]: is \"x\"; expected a number or null");
    }
}
