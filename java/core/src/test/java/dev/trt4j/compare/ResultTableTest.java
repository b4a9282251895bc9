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
        assertThat(fidelity.cell(0, 3.67114)).isEqualTo("3.6711");
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
