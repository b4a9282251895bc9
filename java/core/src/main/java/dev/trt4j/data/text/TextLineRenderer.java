package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Renders a line of text as an image the way a text detector would crop it: anti-aliased black "DejaVu Sans"
 * on white, a fixed height (48 by default) and a width that follows the text. The same text and height always
 * give the same pixels on a given font installation. Thread-safe.
 */
public final class TextLineRenderer {
    /** The font family used; present on the project's machines as Debian's {@code fonts-dejavu-core}. */
    public static final String FONT_FAMILY = "DejaVu Sans";
    /** Default line height in pixels, PP-OCR's input height. */
    public static final int DEFAULT_HEIGHT = 48;
    private static final FontRenderContext FRC = new FontRenderContext(null, true, false);

    private final int height;
    private final int margin;
    private final Font font;

    /** A renderer for lines {@value #DEFAULT_HEIGHT} pixels high. */
    public TextLineRenderer() {
        this(DEFAULT_HEIGHT);
    }

    /** A renderer for lines {@code height} pixels high; the font size is about two thirds of it. */
    public TextLineRenderer(int height) {
        if (height < 8) {
            throw new IllegalArgumentException("line height must be at least 8 pixels, got " + height);
        }
        this.height = height;
        this.margin = Math.max(2, height / 6);
        this.font = RenderingFont.plain(Math.round(height * 0.65f), "images");
    }

    /**
     * Checks that the font can draw every character of {@code texts}: a character it lacks is drawn as an empty box,
     * and calibrating an OCR model on boxes would say nothing about real text.
     *
     * @param source names the texts' origin in the message, e.g. the file
     * @throws Trt4jException naming the first character the font lacks and the text holding it
     */
    public static void requireDrawable(List<String> texts, String source) {
        Font font = RenderingFont.plain(12, "images");
        for (String text : texts) {
            int at = font.canDisplayUpTo(text);
            if (at >= 0) {
                int c = text.codePointAt(at);
                String shown = text.length() > 30 ? text.substring(0, 30) + "…" : text;
                throw new Trt4jException(source + ": '" + shown + "' holds '" + new String(Character.toChars(c))
                        + "' (U+" + String.format(Locale.ROOT, "%04X", c) + "), which the " + font.getFamily(Locale.ROOT)
                        + " font trt4j draws text lines with lacks: it would be drawn as an empty box; give text in "
                        + "the scripts it covers (Latin, Greek, Cyrillic) or images of text lines");
            }
        }
    }

    /** Height of every line image, in pixels. */
    public int height() {
        return height;
    }

    /** The text as an upright line image. */
    public BufferedImage render(String text) {
        int width = (int) Math.ceil(font.getStringBounds(text, FRC).getWidth()) + 2 * margin;
        BufferedImage image = new BufferedImage(Math.max(width, 2 * margin + 1), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
            g.setFont(font);
            g.setColor(Color.BLACK);
            LineMetrics m = font.getLineMetrics(text, FRC);
            float baseline = (height - (m.getAscent() + m.getDescent())) / 2 + m.getAscent();
            g.drawString(text, margin, baseline);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The text as a line image, turned upside down (rotated by 180°) when {@code rotate180} is true. */
    public BufferedImage render(String text, boolean rotate180) {
        BufferedImage upright = render(text);
        return rotate180 ? rotate180(upright) : upright;
    }

    /** A new image that is {@code image} rotated by 180°, pixel for pixel. */
    public static BufferedImage rotate180(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0, j = px.length - 1; i < j; i++, j--) {
            int t = px[i];
            px[i] = px[j];
            px[j] = t;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }
}
