package dev.trt4j.quantize;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Text-line images for the PP-OCR direction classifier: sentences rendered with Java2D into 48×192, half of
 * them turned by 180° (label 1), normalised as PaddleOCR does ({@code (x/255 − 0.5)/0.5}, CHW).
 */
final class TextLines {
    static final int HEIGHT = 48;
    static final int WIDTH = 192;
    static final long[] SHAPE = {1, 3, HEIGHT, WIDTH};

    /** One rendered line and whether it is upside down. */
    record Line(float[] pixels, boolean rotated) {
    }

    private TextLines() {
    }

    static List<Line> render(long seed, int count) {
        List<String> sentences = sentences();
        Random r = new Random(seed);
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = sentences.get(r.nextInt(sentences.size()));
            boolean rotated = (i % 2) == 1;
            lines.add(new Line(draw(text, 26 + r.nextInt(8), r.nextBoolean(), rotated), rotated));
        }
        return lines;
    }

    private static float[] draw(String text, int size, boolean serif, boolean rotated) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            if (rotated) {
                g.rotate(Math.PI, WIDTH / 2.0, HEIGHT / 2.0);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(serif ? "DejaVu Serif" : "DejaVu Sans", Font.PLAIN, size));
            int baseline = (HEIGHT + g.getFontMetrics().getAscent() - g.getFontMetrics().getDescent()) / 2;
            g.drawString(text, 4, baseline);
        } finally {
            g.dispose();
        }
        float[] chw = new float[3 * HEIGHT * WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = img.getRGB(x, y);
                int[] bgr = {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff};
                for (int c = 0; c < 3; c++) {
                    chw[(c * HEIGHT + y) * WIDTH + x] = (bgr[c] / 255f - 0.5f) / 0.5f;
                }
            }
        }
        return chw;
    }

    private static List<String> sentences() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                TextLines.class.getResourceAsStream("/dev/trt4j/data/sotu-sentences.txt")), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
