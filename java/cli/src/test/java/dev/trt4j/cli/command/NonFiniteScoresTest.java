package dev.trt4j.cli.command;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NonFiniteScoresTest {
    private static String warning(List<Double> scores) {
        StringWriter err = new StringWriter();
        NonFiniteScores.warn(new PrintWriter(err), scores, "methods");
        return err.toString();
    }

    @Test
    void namesHowManyScoresAreNanAndPointsAtTheFp32ModelWhenAllAre() {
        assertThat(warning(List.of(0.99, 0.98))).isEmpty();
        assertThat(warning(List.of(0.99, Double.NaN))).isEqualTo("trt4j: warning: the metric is NaN for 1 of 2 "
                + "methods: the outputs hold NaN or infinite values on the evaluation samples" + System.lineSeparator());
        assertThat(warning(List.of(Double.NaN, Double.NaN))).contains("for 2 of 2 methods")
                .contains("look at the FP32 model's own outputs with evaluate");
    }
}
