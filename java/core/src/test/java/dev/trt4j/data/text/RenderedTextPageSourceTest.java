package dev.trt4j.data.text;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.image.ImagePreprocessor;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderedTextPageSourceTest {
    private static final TensorSpec DET = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, null);
    private static final List<String> LINES = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    @Test
    void linesAreGroupedIntoPagesOfSix() {
        assertThat(RenderedTextPageSource.pages(LINES)).containsExactly("a\nb\nc\nd\ne\nf", "g\nh");
        assertThat(RenderedTextPageSource.pages(List.of())).isEmpty();
    }

    @Test
    void samplesArePreprocessedPagesWithTheirBoxesAtTheFixedShape() {
        List<String> pages = RenderedTextPageSource.pages(RenderedTextLineSource.splitLongLines(
                BundledSentences.load().subList(0, 10), RenderedTextLineSource.DEFAULT_MAX_LINE_CHARS));
        DataOptions o = DataOptions.builder().batchSize(2).maxSamples(3).fixedShapes("x:2x3x192x256").seed(4).build();
        RenderedTextPageSource s = new RenderedTextPageSource(pages, "ten", List.of(DET), o);
        assertThat(s.boxes()).hasSize(3);
        assertThat(s.boxes().get(0)).hasSize(TextPageRenderer.LINES_PER_PAGE);
        // the pages the sentences make, and those used: the limit is not the data's size
        assertThat(s.describe()).isEqualTo("rendered-pages:ten (5 pages; the first 3 used; 18 lines, 192x256)");

        List<Batch> batches = Batches.drain(s);
        assertThat(batches).extracting(Batch::size).containsExactly(2, 1);
        assertThat(batches.get(0).inputs().get("x").shape()).containsExactly(2, 3, 192, 256);
        // each sample is the detector preprocessing of its page, rendered as laid out
        ImagePreprocessor pre = new ImagePreprocessor(ImagePreprocessing.ppOcrDetector().withSize(192, 256));
        TextPageRenderer r = new TextPageRenderer(192, 256);
        int size = pre.sampleSize();
        for (int i = 0; i < 3; i++) {
            float[] expected = new float[size];
            TextPageRenderer.PageLayout layout = r.layout(pages.get(i).lines().toList(),
                    4 * 0x9E3779B97F4A7C15L + pages.get(i).hashCode());
            assertThat(layout.boxes()).isEqualTo(s.boxes().get(i));
            pre.write(r.render(layout), expected, 0);
            float[] batch = batches.get(i / 2).inputs().get("x").floats();
            assertThat(Arrays.copyOfRange(batch, (i % 2) * size, (i % 2 + 1) * size)).as("page %d", i)
                    .containsExactly(expected);
        }
    }

    @Test
    void thePageSizeDefaultsToThePresetsAndTextFilesBecomePagesWhenAsked() {
        DataOptions o = DataOptions.builder().renderPages(true).maxSamples(2).build();
        try (var s = DataSourceFactory.openBundledSentences(List.of(DET), o)) {
            assertThat(s).isInstanceOf(RenderedTextPageSource.class);
            assertThat(((RenderedTextPageSource) s).preprocessing().height()).isEqualTo(480);
            assertThat(((RenderedTextPageSource) s).preprocessing().width()).isEqualTo(640);
        }
        try (var s = DataSourceFactory.openBundledSentences(List.of(DET), o.toBuilder().renderPages(false).build())) {
            assertThat(s).isInstanceOf(RenderedTextLineSource.class);
        }
    }

    /** --shapes set the size, as it sets the sides that are no multiples of 32: a usage error alike. */
    @Test
    void aPageTooSmallToRenderIsOneUsageError() {
        DataOptions o = DataOptions.builder().fixedShapes("x:1x3x96x96").build();
        assertThatThrownBy(() -> new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(DET), o))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("lines.txt: model input 'x' takes 96x96 images; rendered text pages need at least 128x96 "
                        + "(set the size with --shapes)");
        // 100x100 is no multiple of 32 either: the least size comes first, so that the size named is one to use
        DataOptions odd = DataOptions.builder().fixedShapes("x:1x3x100x100").build();
        assertThatThrownBy(() -> new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(DET), odd))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("need at least 128x96");
    }

    /** A size the model fixes is no option's: a failure of the model (exit 1), with what to do instead. */
    @Test
    void aPageTheModelFixesTooSmallIsNoUsageError() {
        TensorSpec small = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 64, 64}, null);
        assertThatThrownBy(() -> new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(small),
                DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class).isNotInstanceOf(InvalidOptionException.class)
                .hasMessage("lines.txt: model input 'x' takes 64x64 images; rendered text pages need at least 128x96, "
                        + "and the model fixes its size: give images of text with --data instead");
    }

    /** ONNX Runtime would fail deep in the detector's graph, adding feature maps of 21 and 22 rows. */
    @Test
    void aPageSideThatIsNoMultipleOf32IsAUsageErrorNamingTheNearestSize() {
        DataOptions o = DataOptions.builder().fixedShapes("x:1x3x321x330").build();
        assertThatThrownBy(() -> new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(DET), o))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("lines.txt: model input 'x' is given 321x330 images, but a text detector takes sides that "
                        + "are multiples of 32 (it halves them five times, and PaddleOCR rounds them so); nearest: "
                        + "320x320 (set the size with --shapes)");
    }

    /** A side the model fixes is its own choice (a map model need not be PP-OCR's): only open sides are held to 32. */
    @Test
    void aSideTheModelFixesIsNotHeldToMultiplesOf32() {
        TensorSpec fixedWidth = new TensorSpec("x", ElementType.FLOAT32, new long[] {1, 3, -1, 500}, null);
        DataOptions o = DataOptions.builder().fixedShapes("x:1x3x480x500").maxSamples(1).build();
        try (var s = new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(fixedWidth), o)) {
            assertThat(s.preprocessing().width()).isEqualTo(500);
        }
        DataOptions open = DataOptions.builder().fixedShapes("x:1x3x470x500").build();
        assertThatThrownBy(() -> new RenderedTextPageSource(List.of("a"), "lines.txt", List.of(fixedWidth), open))
                .hasMessageContaining("nearest: 480x500 ");
    }
}
