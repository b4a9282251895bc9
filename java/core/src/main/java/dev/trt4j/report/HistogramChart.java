package dev.trt4j.report;

import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Draws one tensor's histogram of |x| with Java2D: counts on a log scale (a tensor's few large values, the ones
 * the methods disagree about, stay visible next to millions of small ones), and each method's amax as a coloured
 * vertical line with a legend. Each pixel column shows the mean count of the histogram bins whose centres fall
 * in it, so that columns holding more bins than their neighbours do not stand out as false spikes.
 */
final class HistogramChart {
    /** The colour of a note in the plot (a dropped histogram), used for nothing else. */
    static final Color NOTE_COLOR = new Color(0x8A5A00);
    private static final int LEFT = 56;
    private static final int RIGHT = 200;
    private static final int TOP = 28;
    private static final int BOTTOM = 36;
    private static final Color BARS = new Color(0x7F8FA6);
    private static final Color GRID = new Color(0xE4E7EB);

    private final int width;
    private final int height;

    /** A chart of {@code width × height} pixels (at least 320 × 160). */
    public HistogramChart(int width, int height) {
        if (width < 320 || height < 160) {
            throw new IllegalArgumentException("chart must be at least 320x160, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /**
     * Draws {@code tensor}'s histogram with a vertical line at each method's amax.
     *
     * @param amaxByMethod amax by method label, each in its {@link MethodColours} colour by its place; a null amax (a table without this
     *                     tensor) draws no line but keeps its colour, so that colours match the page's legend
     */
    public BufferedImage draw(TensorStatistics tensor, Map<String, Float> amaxByMethod) {
        Objects.requireNonNull(tensor, "tensor");
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            double xMax = xMax(tensor, amaxByMethod);
            long[] columns = columns(tensor.histogram(), xMax);
            long top = 1;
            for (long c : columns) {
                top = Math.max(top, c);
            }
            int decades = Math.max(1, (int) Math.ceil(Math.log10(top)));
            drawGrid(g, xMax, decades);
            drawBars(g, columns, decades);
            drawAmaxLines(g, amaxByMethod, xMax);
            drawTitle(g, tensor);
            if (tensor.droppedBecause() != null) {
                // an empty plot would read as a tensor that never held a value
                g.setColor(NOTE_COLOR);
                g.setFont(g.getFont().deriveFont(Font.PLAIN, 12f));
                g.drawString("histogram dropped: only max |x| kept", LEFT + 12, TOP + plotHeight() / 2);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Draws the chart and writes it as a PNG atomically. */
    public void writePng(Path file, TensorStatistics tensor, Map<String, Float> amaxByMethod) {
        BufferedImage image = draw(tensor, amaxByMethod);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        });
    }

    private int plotWidth() {
        return width - LEFT - RIGHT;
    }

    private int plotHeight() {
        return height - TOP - BOTTOM;
    }

    private static double xMax(TensorStatistics tensor, Map<String, Float> amaxByMethod) {
        double m = tensor.absMax();
        Histogram h = tensor.histogram();
        if (h != null) {
            m = Math.max(m, h.edge(h.numBins()));
        }
        for (Float a : amaxByMethod.values()) {
            if (a != null) {
                m = Math.max(m, a);
            }
        }
        return m > 0 ? m * 1.03 : 1;
    }

    /** Mean count per bin in each pixel column: each bin goes to the column of its centre. */
    private long[] columns(Histogram h, double xMax) {
        long[] sums = new long[plotWidth()];
        if (h == null) {
            return sums;
        }
        int[] bins = new int[sums.length];
        for (int i = 0; i < h.numBins(); i++) {
            double centre = (h.edge(i) + (double) h.edge(i + 1)) / 2;
            int col = Math.max(0, (int) Math.min(sums.length - 1, Math.floor(centre / xMax * sums.length)));
            sums[col] += h.count(i);
            bins[col]++;
        }
        for (int c = 0; c < sums.length; c++) {
            // Round up, so a column holding a single value still shows.
            sums[c] = bins[c] == 0 ? 0 : (sums[c] + bins[c] - 1) / bins[c];
        }
        return sums;
    }

    private int y(double log10Count, int decades) {
        return TOP + plotHeight() - (int) Math.round(log10Count / decades * plotHeight());
    }

    private void drawGrid(Graphics2D g, double xMax, int decades) {
        FontMetrics fm = g.getFontMetrics();
        int step = Math.max(1, (int) Math.ceil(decades / 5.0));
        for (int d = 0; d <= decades; d += step) {
            int y = y(d, decades);
            g.setColor(GRID);
            g.drawLine(LEFT, y, LEFT + plotWidth(), y);
            g.setColor(Color.DARK_GRAY);
            String label = "1e" + d;
            g.drawString(label, LEFT - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        double tick = niceStep(xMax / 5);
        for (double x = 0; x <= xMax; x += tick) {
            int px = LEFT + (int) Math.round(x / xMax * plotWidth());
            g.setColor(GRID);
            g.drawLine(px, TOP, px, TOP + plotHeight());
            g.setColor(Color.DARK_GRAY);
            String label = decimal(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotHeight() + fm.getAscent() + 4);
        }
        g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
        String axis = "|x|   (count per bin, log scale)";
        g.drawString(axis, LEFT + plotWidth() - fm.stringWidth(axis), height - 4);
    }

    private void drawBars(Graphics2D g, long[] columns, int decades) {
        g.setColor(BARS);
        int base = TOP + plotHeight();
        for (int c = 0; c < columns.length; c++) {
            if (columns[c] > 0) {
                // One hit still shows as a sliver: log10(1) = 0 would draw nothing.
                int y = Math.min(base - 1, y(Math.log10(columns[c]), decades));
                g.drawLine(LEFT + c, base, LEFT + c, y);
            }
        }
    }

    private void drawAmaxLines(Graphics2D g, Map<String, Float> amaxByMethod, double xMax) {
        FontMetrics fm = g.getFontMetrics();
        int i = 0;
        int legendY = TOP + fm.getAscent();
        List<Map.Entry<String, Float>> entries = new ArrayList<>(amaxByMethod.entrySet());
        for (Map.Entry<String, Float> e : entries) {
            if (e.getValue() == null) {
                i++; // its colour stays the method's, as the page's legend gives it
                continue;
            }
            Color color = MethodColours.of(i);
            int px = LEFT + (int) Math.round(e.getValue() / xMax * plotWidth());
            g.setColor(color);
            g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    i < MethodColours.PALETTE.size() ? null : new float[] {4f, 3f}, 0f));
            g.drawLine(px, TOP, px, TOP + plotHeight());
            g.setStroke(new BasicStroke(3f));
            int lx = LEFT + plotWidth() + 12;
            g.drawLine(lx, legendY - fm.getAscent() / 2 + 1, lx + 14, legendY - fm.getAscent() / 2 + 1);
            g.setColor(Color.DARK_GRAY);
            g.drawString(e.getKey() + " " + decimal(e.getValue()), lx + 20, legendY);
            legendY += fm.getHeight() + 2;
            i++;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private void drawTitle(Graphics2D g, TensorStatistics tensor) {
        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 12f));
        g.drawString(tensor.name() + "   (" + tensor.count() + " values, max |x| " + decimal(tensor.absMax()) + ")",
                LEFT, TOP - 10);
    }

    /** 1, 2 or 5 times a power of ten, near {@code rough}. */
    static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / magnitude;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * magnitude;
    }

    private static String decimal(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
