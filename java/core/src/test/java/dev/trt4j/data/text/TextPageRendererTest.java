package dev.trt4j.data.text;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextPageRendererTest {
    private static final List<String> LINES = RenderedTextLineSource.splitLongLines(BundledSentences.load(),
            RenderedTextLineSource.DEFAULT_MAX_LINE_CHARS).subList(0, TextPageRenderer.LINES_PER_PAGE);

    @Test
    void everyLineGetsAnInkBoxInsideItsOwnBand() {
        TextPageRenderer r = new TextPageRenderer(480, 640);
        TextPageRenderer.PageLayout layout = r.layout(LINES, 3);
        assertThat(layout.lines()).extracting(TextPageRenderer.PlacedLine::text).containsExactlyElementsOf(LINES);
        int band = 480 / TextPageRenderer.LINES_PER_PAGE;
        for (int i = 0; i < layout.lines().size(); i++) {
            TextBox b = layout.boxes().get(i);
            assertThat(b.x0()).isGreaterThanOrEqualTo(0);
            assertThat(b.x1()).isLessThanOrEqualTo(640);
            // ink may reach a pixel beyond the band through anti-aliasing, never into the next line's box
            assertThat(b.y0()).as("line %d", i).isGreaterThanOrEqualTo(i * band - 1);
            assertThat(b.y1()).as("line %d", i).isLessThanOrEqualTo((i + 1) * band + 1);
            if (i > 0) {
                assertThat(b.iou(layout.boxes().get(i - 1))).isZero();
            }
        }
    }

    /**
     * On the smallest page a detector takes, most sentences are too long even in the smallest legible font: they are
     * cut after their last word that fits, so the page still holds its lines instead of being almost blank.
     */
    @Test
    void aNarrowPageCutsLongLinesToTheWordsThatFitRatherThanDroppingThem() {
        TextPageRenderer r = new TextPageRenderer(128, 96);
        TextPageRenderer.PageLayout layout = r.layout(LINES, 5);

        assertThat(layout.lines()).hasSize(LINES.size());
        for (int i = 0; i < layout.lines().size(); i++) {
            TextPageRenderer.PlacedLine line = layout.lines().get(i);
            assertThat(LINES.get(i).strip()).as("line %d", i).startsWith(line.text());
            assertThat(line.text()).isNotBlank();
            assertThat(line.box().x1()).isLessThanOrEqualTo(96);
        }
        assertThat(layout.lines()).as("the long ones are cut")
                .anyMatch(l -> l.text().length() < LINES.get(layout.lines().indexOf(l)).strip().length());
    }

    @Test
    void inkLiesOnlyInsideTheBoxesAndEveryBoxHasInk() {
        TextPageRenderer r = new TextPageRenderer(320, 480);
        TextPageRenderer.PageLayout layout = r.layout(LINES, 11);
        BufferedImage page = r.render(layout);
        int paper = layout.background().getRGB() & 0xFFFFFF;
        boolean[] inked = new boolean[layout.lines().size()];
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                if ((page.getRGB(x, y) & 0xFFFFFF) == paper) {
                    continue;
                }
                int inside = -1;
                for (int i = 0; i < layout.boxes().size(); i++) {
                    TextBox b = layout.boxes().get(i);
                    if (x >= b.x0() && x < b.x1() && y >= b.y0() && y < b.y1()) {
                        inside = i;
                    }
                }
                assertThat(inside).as("ink at (%d, %d) is outside every line box", x, y).isNotNegative();
                inked[inside] = true;
            }
        }
        assertThat(inked).containsOnly(true);
    }

    @Test
    void theSameLinesAndSeedGiveTheSameLayoutAndAnotherSeedAnother() {
        TextPageRenderer r = new TextPageRenderer(480, 640);
        assertThat(r.layout(LINES, 1)).isEqualTo(r.layout(LINES, 1));
        assertThat(r.layout(LINES, 1).boxes()).isNotEqualTo(r.layout(LINES, 2).boxes());
    }

    @Test
    void blankLinesAreSkippedAndTooManyLinesRefused() {
        TextPageRenderer r = new TextPageRenderer(240, 320);
        assertThat(r.layout(List.of("one", "  ", "three"), 0).lines()).extracting(TextPageRenderer.PlacedLine::text)
                .containsExactly("one", "three");
        assertThatThrownBy(() -> r.layout(List.of("1", "2", "3", "4", "5", "6", "7"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at most 6 lines per page, got 7");
        assertThatThrownBy(() -> new TextPageRenderer(100, 640)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a text page needs at least 120x80 pixels, got 100x640");
    }

    @Test
    void boxIntersectionOverUnion() {
        TextBox a = new TextBox(0, 0, 10, 10);
        assertThat(a.iou(a)).isEqualTo(1.0);
        assertThat(a.iou(new TextBox(5, 0, 15, 10))).isEqualTo(50.0 / 150);
        assertThat(a.iou(new TextBox(10, 0, 20, 10))).as("touching edges do not overlap").isZero();
        assertThatThrownBy(() -> new TextBox(3, 0, 3, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
