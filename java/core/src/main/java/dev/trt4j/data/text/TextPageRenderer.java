package dev.trt4j.data.text;


import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Lays out and renders a page of text lines, the input of a text detector such as PP-OCR's: each line in its own
 * horizontal band, at a random size, offset and shade (dark text on a light background), with the box its ink
 * covers known exactly. The layout of a page depends only on its lines, its size and its seed, so a page and its
 * boxes can be recomputed without keeping images. Thread-safe.
 */
final class TextPageRenderer {
    /** Lines per page: each gets one band of the page's height. */
    public static final int LINES_PER_PAGE = 6;
    private static final FontRenderContext FRC = new FontRenderContext(null, true, false);
    /** Smallest font worth drawing: below this the detector's 4× downsampled maps lose the line. */
    private static final int MIN_FONT_PIXELS = 10;
    /** Least page height: a band of two smallest fonts per line. */
    public static final int MIN_HEIGHT = LINES_PER_PAGE * 2 * MIN_FONT_PIXELS;
    /** Least page width: room for a few characters of the smallest font. */
    public static final int MIN_WIDTH = 8 * MIN_FONT_PIXELS;

    private final int height;
    private final int width;
    private final Font base;

    /**
     * @param height page height in pixels
     * @param width  page width in pixels
     */
    public TextPageRenderer(int height, int width) {
        if (height < MIN_HEIGHT || width < MIN_WIDTH) {
            throw new IllegalArgumentException("a text page needs at least " + MIN_HEIGHT + "x" + MIN_WIDTH
                    + " pixels, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.base = RenderingFont.plain(12, "pages");
    }

    /** Page height in pixels. */
    public int height() {
        return height;
    }

    /** Page width in pixels. */
    public int width() {
        return width;
    }

    /** One line as placed on a page: its text, font size, pen position and ink box. */
    public record PlacedLine(String text, int fontPixels, float x, float baseline, TextBox box) {
    }

    /** A page's layout: its lines, and the two shades it is drawn in. */
    public record PageLayout(List<PlacedLine> lines, Color background, Color ink) {
        public PageLayout {
            lines = List.copyOf(lines);
        }

        /** The ink box of every line, top to bottom. */
        public List<TextBox> boxes() {
            return lines.stream().map(PlacedLine::box).toList();
        }
    }

    /**
     * Places {@code lines} (at most {@link #LINES_PER_PAGE}; blank ones are skipped) on a page. Each line gets a
     * band of {@code height / LINES_PER_PAGE} rows and a font of 20–70 % of it, made smaller where the line would
     * not fit the width, and cut after its last word that fits where even the smallest legible font would not; then
     * a random horizontal offset and a random offset within its band.
     */
    public PageLayout layout(List<String> lines, long seed) {
        Objects.requireNonNull(lines, "lines");
        if (lines.size() > LINES_PER_PAGE) {
            throw new IllegalArgumentException("at most " + LINES_PER_PAGE + " lines per page, got " + lines.size());
        }
        SplittableRandom random = new SplittableRandom(seed);
        int margin = Math.max(4, width / 40);
        int band = height / LINES_PER_PAGE;
        List<PlacedLine> placed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            double sizeDraw = random.nextDouble();
            double xDraw = random.nextDouble();
            double yDraw = random.nextDouble();
            if (text.isEmpty()) {
                continue;
            }
            int size = Math.max(MIN_FONT_PIXELS, (int) Math.round(band * (0.2 + 0.5 * sizeDraw)));
            GlyphVector glyphs = glyphs(text, size);
            double inkWidth = glyphs.getVisualBounds().getWidth();
            if (inkWidth > width - 2 * margin) {
                size = (int) Math.floor(size * (width - 2 * margin) / inkWidth);
                if (size < MIN_FONT_PIXELS) {
                    // too long even in the smallest legible font: its first words, so a narrow page still has lines
                    size = MIN_FONT_PIXELS;
                    text = longestFittingPrefix(text, size, width - 2 * margin);
                    if (text.isEmpty()) {
                        continue;
                    }
                }
                glyphs = glyphs(text, size);
            }
            java.awt.geom.Rectangle2D ink = glyphs.getVisualBounds();
            double freeX = Math.max(0, width - 2 * margin - ink.getWidth());
            float x = (float) (margin - ink.getX() + freeX * xDraw);
            double freeY = Math.max(0, band - ink.getHeight());
            float baseline = (float) (i * band - ink.getY() + freeY * yDraw);
            Rectangle pixels = glyphs.getPixelBounds(FRC, x, baseline);
            TextBox box = clip(pixels);
            if (box != null) {
                placed.add(new PlacedLine(text, size, x, baseline, box));
            }
        }
        int paper = 205 + random.nextInt(51);
        int ink = random.nextInt(90);
        Color background = new Color(paper - random.nextInt(20), paper - random.nextInt(20), paper);
        Color text = new Color(ink, ink, ink + random.nextInt(40));
        return new PageLayout(placed, background, text);
    }

    /** Draws a layout made by {@link #layout} for this page size. */
    public BufferedImage render(PageLayout layout) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(layout.background());
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
            g.setColor(layout.ink());
            for (PlacedLine line : layout.lines()) {
                g.setFont(base.deriveFont((float) line.fontPixels()));
                g.drawString(line.text(), line.x(), line.baseline());
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The longest start of {@code text} whose ink fits {@code room} pixels: whole words, else characters. */
    private String longestFittingPrefix(String text, int size, double room) {
        String fitting = "";
        for (int end = text.indexOf(' '); ; end = text.indexOf(' ', end + 1)) {
            String words = end < 0 ? text : text.substring(0, end);
            if (glyphs(words, size).getVisualBounds().getWidth() > room) {
                break;
            }
            fitting = words;
            if (end < 0) {
                break;
            }
        }
        if (!fitting.isBlank()) {
            return fitting.strip();
        }
        int chars = 0; // the first word alone is too long: as many of its characters as fit
        while (chars < text.length()
                && glyphs(text.substring(0, chars + 1), size).getVisualBounds().getWidth() <= room) {
            chars++;
        }
        return text.substring(0, chars).strip();
    }

    private GlyphVector glyphs(String text, int size) {
        return base.deriveFont((float) size).createGlyphVector(FRC, text);
    }

    private TextBox clip(Rectangle r) {
        int x0 = Math.max(0, r.x);
        int y0 = Math.max(0, r.y);
        int x1 = Math.min(width, r.x + r.width);
        int y1 = Math.min(height, r.y + r.height);
        return x1 > x0 && y1 > y0 ? new TextBox(x0, y0, x1, y1) : null;
    }
}
