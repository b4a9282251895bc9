package dev.trt4j.report;

import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramChartTest {
    /** A method whose table lacks the tensor draws nothing, and the next keeps the colour the page's legend gives it. */
    @Test
    void aMethodWithoutThisTensorKeepsTheOthersColours() {
        float[] edges = new float[9];
        for (int k = 0; k < edges.length; k++) {
            edges[k] = k / 8f;
        }
        TensorStatistics t = new TensorStatistics("t", new Histogram(new long[] {5, 4, 3, 2, 1, 1, 1, 1}, edges), 1f,
                18);
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("max", null);
        amax.put("entropy", 0.5f);

        BufferedImage image = new HistogramChart(640, 240).draw(t, amax);

        assertThat(uses(image, MethodColours.of(1))).as("entropy in the second colour").isTrue();
        assertThat(uses(image, MethodColours.of(0))).as("no line for max").isFalse();
    }

    /** A dropped histogram is said in the plot, which would otherwise be empty, as for a tensor never fed. */
    @Test
    void aDroppedHistogramIsSaidInThePlot() {
        TensorStatistics dropped = new TensorStatistics("t", null, 3f, 18, "a value of 3.0 would grow the histogram");
        TensorStatistics empty = new TensorStatistics("t", null, 3f, 18);
        Map<String, Float> amax = Map.of("max", 3f);

        BufferedImage said = new HistogramChart(640, 240).draw(dropped, amax);
        BufferedImage blank = new HistogramChart(640, 240).draw(empty, amax);

        assertThat(uses(said, HistogramChart.NOTE_COLOR)).isTrue();
        assertThat(uses(blank, HistogramChart.NOTE_COLOR)).isFalse();
    }

    private static boolean uses(BufferedImage image, Color color) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    return true;
                }
            }
        }
        return false;
    }
}
