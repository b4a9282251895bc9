package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.text.TextBox;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TextDetectionTest {
    private static final int H = 40;
    private static final int W = 60;

    /** A map of 0.1 with {@code value} over each box. */
    private static float[] map(float value, TextBox... boxes) {
        float[] m = new float[H * W];
        java.util.Arrays.fill(m, 0.1f);
        for (TextBox b : boxes) {
            for (int y = b.y0(); y < b.y1(); y++) {
                for (int x = b.x0(); x < b.x1(); x++) {
                    m[y * W + x] = value;
                }
            }
        }
        return m;
    }

    @Test
    void regionsAreGrownByAreaTimesRatioOverPerimeter() {
        // a 20×4 region: grown by 20·4·1.5 / (2·24) = 2.5 on every side (floor/ceil: 3 outwards)
        List<TextBox> found = TextRegions.PADDLE_OCR.find(map(0.9f, new TextBox(10, 10, 30, 14)), 0, H, W);
        assertThat(found).containsExactly(new TextBox(7, 7, 33, 17));
    }

    @Test
    void diagonalNeighboursJoinAndWeakOrTinyRegionsAreDropped() {
        float[] m = map(0.9f, new TextBox(2, 2, 8, 6), new TextBox(8, 6, 14, 10));
        TextRegions anyMean = new TextRegions(0.3f, 0f, 1.5, 3);
        assertThat(anyMean.find(m, 0, H, W)).as("8-connected through a corner")
                .containsExactly(new TextBox(0, 0, 18, 14));
        // mean over the box below 0.6: above the binarisation threshold, but not kept
        assertThat(TextRegions.PADDLE_OCR.find(map(0.5f, new TextBox(10, 10, 30, 14)), 0, H, W)).isEmpty();
        assertThat(TextRegions.PADDLE_OCR.find(map(0.9f, new TextBox(10, 10, 30, 12)), 0, H, W))
                .as("2 rows are fewer than the least side of 3").isEmpty();
        // a second map further along the array is read at its offset
        float[] two = new float[2 * H * W];
        System.arraycopy(map(0.9f, new TextBox(10, 10, 30, 14)), 0, two, H * W, H * W);
        assertThat(TextRegions.PADDLE_OCR.find(two, H * W, H, W)).hasSize(1);
        assertThat(TextRegions.PADDLE_OCR.find(two, 0, H, W)).isEmpty();
    }

    @Test
    void matchesAreOneToOneAndCoverMostOfTheLine() {
        TextBox line = new TextBox(0, 0, 10, 10);
        assertThat(TextDetection.matches(List.of(line), List.of(line, line))).containsExactly(1.0);
        assertThat(TextDetection.matches(List.of(line), List.of(new TextBox(0, 0, 10, 4)))).as("IoU 0.4").isEmpty();
        assertThat(TextDetection.matches(List.of(line, new TextBox(20, 0, 30, 10)),
                List.of(new TextBox(20, 0, 30, 10), new TextBox(0, 0, 10, 8)))).containsExactly(1.0, 0.8);
    }

    /**
     * A correct detection encloses a thin line's ink with DBNet's margin: IoU under 0.5, found all the same (a box
     * from a 256x256 page of the PP-OCRv4 detector). A box over two lines, or three times a line's height, is not.
     */
    @Test
    void aBoxThatEnclosesItsLineWithAMarginIsAMatchButOneOverTwoLinesIsNot() {
        TextBox ink = new TextBox(9, 138, 242, 148);
        TextBox found = new TextBox(6, 135, 246, 155);
        assertThat(ink.iou(found)).isLessThan(0.5);
        assertThat(TextDetection.matches(List.of(ink), List.of(found))).containsExactly(ink.iou(found));

        TextBox upper = new TextBox(0, 0, 100, 10);
        TextBox lower = new TextBox(0, 20, 100, 30);
        assertThat(TextDetection.matches(List.of(upper, lower), List.of(new TextBox(0, 0, 100, 30)))).isEmpty();
        assertThat(TextDetection.matches(List.of(upper), List.of(new TextBox(0, -10, 100, 20)))).isEmpty();
        assertThat(TextDetection.matches(List.of(upper), List.of(new TextBox(0, 0, 79, 10)))).as("79 % covered")
                .isEmpty();
    }

    @Test
    void hmeanOfBothModelsAndTheMaskAgreementOfTheCandidate() {
        // the known line; the detector's map marks it shrunk, as DBNet does, and growth restores it
        TextBox line = new TextBox(7, 7, 33, 17);
        TextBox shrunk = new TextBox(10, 10, 30, 14);
        TextDetection metric = new TextDetection("p", List.of(List.of(line), List.of(line)), TextRegions.PADDLE_OCR);
        TaskMetric.Tally tally = metric.start();
        long[] shape = {1, 1, H, W};
        Batch one = new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 1}, new float[1])));
        tally.add(one, 0, Map.of("p", HostTensor.ofFloats(shape, map(0.9f, shrunk))),
                Map.of("p", HostTensor.ofFloats(shape, map(0.9f, shrunk, new TextBox(40, 30, 50, 34)))));
        tally.add(one, 1, Map.of("p", HostTensor.ofFloats(shape, map(0.9f, shrunk))),
                Map.of("p", HostTensor.ofFloats(shape, map(0.1f))));

        TaskResult r = tally.result();
        assertThat(r.primary()).isEqualTo("hmean");
        assertThat(r.reference()).containsEntry("hmean", 1.0).containsEntry("boxIou", 1.0);
        // candidate: two boxes on page 0 (one matches), none on page 1
        assertThat(r.candidate().get("precision")).isEqualTo(0.5);
        assertThat(r.candidate().get("recall")).isEqualTo(0.5);
        assertThat(r.candidateScore()).isEqualTo(0.5);
        // text pixels: reference 80 + 80, candidate 80 + 40; shared 80
        assertThat(r.candidate().get("maskIou")).isCloseTo(80.0 / 200, within(1e-12));
    }

    @Test
    void aMapOfTheWrongShapeOrASampleWithoutBoxesIsOneClearError() {
        TextDetection metric = new TextDetection("p", List.of(List.of(new TextBox(0, 0, 5, 5))),
                TextRegions.PADDLE_OCR);
        Batch two = new Batch(2, Map.of("x", HostTensor.ofFloats(new long[] {2, 1}, new float[2])));
        Map<String, HostTensor> wrong = Map.of("p", HostTensor.ofFloats(new long[] {2, 2, H, W}, new float[4 * H * W]));
        assertThatThrownBy(() -> metric.start().add(two, 0, wrong, wrong)).isInstanceOf(Trt4jException.class)
                .hasMessage("output 'p' of the reference model has shape [2,2,40,60]; a text detector's map is "
                        + "[N,1,H,W]");
        Map<String, HostTensor> maps = Map.of("p", HostTensor.ofFloats(new long[] {2, 1, H, W}, new float[2 * H * W]));
        assertThatThrownBy(() -> metric.start().add(two, 0, maps, maps)).isInstanceOf(Trt4jException.class)
                .hasMessage("sample 1 has no known line boxes (there are 1 pages)");
    }
}
