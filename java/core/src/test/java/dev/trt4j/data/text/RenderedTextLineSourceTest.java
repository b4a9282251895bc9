package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.image.ImagePreprocessor;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderedTextLineSourceTest {
    private static final TensorSpec CLS = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);
    private static final List<String> TEN = BundledSentences.load().subList(0, 10);

    @Test
    void halfOfTheLinesAreRotatedByASeededChoiceAndLabelsMatchTheTensors() {
        DataOptions o = DataOptions.builder().batchSize(4).rotateHalf(true).seed(5).build();
        RenderedTextLineSource s = new RenderedTextLineSource(TEN, "ten", List.of(CLS), o);
        assertThat(s.texts()).isEqualTo(TEN);
        assertThat(s.labels()).hasSize(10).containsOnly(0, 180);
        assertThat(s.labels().stream().filter(l -> l == 180).count()).isEqualTo(5);
        assertThat(new RenderedTextLineSource(TEN, "ten", List.of(CLS), o).labels()).isEqualTo(s.labels());
        assertThat(new RenderedTextLineSource(TEN, "ten", List.of(CLS), o.toBuilder().seed(6).build()).labels())
                .isNotEqualTo(s.labels());

        List<Batch> batches = Batches.drain(s);
        assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
        assertThat(batches.get(0).inputs().get("x").shape()).containsExactly(4, 3, 48, 192);
        // every sample equals the preprocessed rendering of its text at its angle
        ImagePreprocessor pre = new ImagePreprocessor(ImagePreprocessing.ppOcrClassifier());
        TextLineRenderer r = new TextLineRenderer();
        int size = pre.sampleSize();
        for (int i = 0; i < 10; i++) {
            float[] expected = new float[size];
            pre.write(r.render(TEN.get(i), s.labels().get(i) == 180), expected, 0);
            float[] batch = batches.get(i / 4).inputs().get("x").floats();
            assertThat(Arrays.copyOfRange(batch, (i % 4) * size, (i % 4 + 1) * size)).as("sample %d", i)
                    .containsExactly(expected);
        }
    }

    @Test
    void withoutRotationAllAreUprightAndRecognizerWidthComesFromTheFixedShape() {
        DataOptions o = DataOptions.builder().maxSamples(3).fixedShapes("x:3x3x48x320")
                .imagePreprocessing(ImagePreprocessing.ppOcrRecognizer(0)).build();
        RenderedTextLineSource s = new RenderedTextLineSource(TEN, "ten", List.of(CLS), o);
        assertThat(s.labels()).containsExactly(0, 0, 0);
        assertThat(s.texts()).containsExactlyElementsOf(TEN.subList(0, 3));
        assertThat(s.preprocessing().width()).isEqualTo(320);
        Batch b = s.next().orElseThrow();
        assertThat(b.inputs().get("x").shape()).containsExactly(3, 3, 48, 320);
        // BGR (x/255-0.5)/0.5 of black..white text lies in [-1, 1]; the right end of a short line is 0 padding
        float[] v = b.inputs().get("x").floats();
        assertThat(v).contains(1f, -1f);
        for (float f : v) {
            assertThat(f).isBetween(-1f, 1f);
        }
    }

    @Test
    void needsAnImageInput() {
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, 16}, null);
        assertThatThrownBy(() -> new RenderedTextLineSource(TEN, "ten", List.of(ids), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("ten: image data needs a float32 input of rank 4 (NCHW), but model input 'input_ids' is "
                        + "INT64 [?,16]");
    }

    @Test
    void longSentencesAreSplitAtSpacesAndLongWordsByCharacters() {
        List<String> lines = RenderedTextLineSource.splitLongLines(
                List.of("one two three four five", "short", "  a  unbreakablewordlongerthanten b "), 10);
        assertThat(lines).containsExactly("one two", "three four", "five", "short", "a",
                "unbreakabl", "ewordlonge", "rthanten b");
        for (String s : RenderedTextLineSource.splitLongLines(BundledSentences.load(), 40)) {
            assertThat(s.length()).as(s).isLessThanOrEqualTo(40);
        }
        // a script written without spaces is cut by characters, code points kept whole
        assertThat(RenderedTextLineSource.splitLongLines(List.of("今天天气很好我们去公园散步𠀀"), 5))
                .containsExactly("今天天气很", "好我们去公", "园散步𠀀");
    }

    @Test
    void bundledSentencesAreThe3000Lines() {
        List<String> all = BundledSentences.load();
        assertThat(all).hasSize(3000);
        assertThat(all).allSatisfy(s -> assertThat(s.length()).isBetween(30, 160));
    }
}
