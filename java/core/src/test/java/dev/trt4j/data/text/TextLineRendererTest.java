package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextLineRendererTest {
    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void dejaVuSansIsInstalled() {
        assertThat(Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames()))
                .contains(TextLineRenderer.FONT_FAMILY);
    }

    @Test
    void renderingIsDeterministicAndWidthFollowsTheText() {
        TextLineRenderer r = new TextLineRenderer();
        BufferedImage a = r.render("The quick brown fox.");
        BufferedImage b = new TextLineRenderer().render("The quick brown fox.");
        assertThat(a.getHeight()).isEqualTo(48);
        assertThat(pixels(a)).containsExactly(pixels(b));
        assertThat(r.render("The quick brown fox jumps over the lazy dog.").getWidth()).isGreaterThan(a.getWidth() * 2);
    }

    @Test
    void blackAntiAliasedTextOnWhiteWithinTheImage() {
        int[] px = pixels(new TextLineRenderer().render("Hello, world"));
        assertThat(px[0] & 0xFFFFFF).as("corner is background").isEqualTo(0xFFFFFF);
        long black = Arrays.stream(px).filter(p -> (p & 0xFFFFFF) == 0).count();
        long grey = Arrays.stream(px).map(p -> p & 0xFF).filter(v -> v > 0 && v < 255).count();
        assertThat(black).as("solid text pixels").isGreaterThan(50);
        assertThat(grey).as("anti-aliased edge pixels").isGreaterThan(50);
    }

    @Test
    void rotatedLineIsTheUprightLineTurnedBy180Degrees() {
        TextLineRenderer r = new TextLineRenderer();
        for (String text : List.of("Heroic veterans will get the care.", "gjpqy ABC")) {
            BufferedImage up = r.render(text);
            BufferedImage down = r.render(text, true);
            assertThat(down.getWidth()).isEqualTo(up.getWidth());
            for (int y = 0; y < up.getHeight(); y++) {
                for (int x = 0; x < up.getWidth(); x++) {
                    int expected = up.getRGB(up.getWidth() - 1 - x, up.getHeight() - 1 - y);
                    if (down.getRGB(x, y) != expected) {
                        throw new AssertionError("pixel " + x + "," + y + " is not the 180° turn of the upright line");
                    }
                }
            }
            assertThat(pixels(down)).isNotEqualTo(pixels(up));
        }
    }

    @Test
    void textTheFontCannotDrawIsRefusedNamingTheCharacter() {
        TextLineRenderer.requireDrawable(List.of("Grüße, Ελλάδα, Привет"), "ok.txt");
        assertThatThrownBy(() -> TextLineRenderer.requireDrawable(List.of("fine", "今天天气很好"), "cjk.txt"))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("cjk.txt: '今天天气很好' holds '今' (U+4ECA), which the ")
                .hasMessageContaining("would be drawn as an empty box");
    }
}
