package dev.trt4j.evaluate;

import dev.trt4j.data.text.TextBox;

import java.util.ArrayList;
import java.util.List;

/**
 * The boxes a DBNet-style text detector (PP-OCR's) reports from its probability map, as PaddleOCR's
 * {@code DBPostProcess} finds them for upright text: pixels above {@code threshold} form 8-connected regions; a
 * region's box is kept if it is at least {@code minSize} pixels on each side and the map's mean over the box is at
 * least {@code boxThreshold}; it is then grown by {@code area · unclipRatio / perimeter} on every side, undoing the
 * shrinking the detector was trained with. Boxes are axis-aligned (PaddleOCR fits rotated rectangles; on upright
 * lines they coincide).
 *
 * @param threshold    binarisation threshold of the probability map (PaddleOCR: 0.3)
 * @param boxThreshold least mean probability over a kept box (PaddleOCR: 0.6)
 * @param unclipRatio  growth ratio (PaddleOCR: 1.5)
 * @param minSize      least side of a kept box, in pixels (PaddleOCR: 3)
 */
public record TextRegions(float threshold, float boxThreshold, double unclipRatio, int minSize) {
    /** PaddleOCR's defaults. */
    public static final TextRegions PADDLE_OCR = new TextRegions(0.3f, 0.6f, 1.5, 3);

    /**
     * @param threshold binarisation threshold of the probability map (PaddleOCR: 0.3)
     * @param boxThreshold least mean probability over a kept box (PaddleOCR: 0.6)
     * @param unclipRatio growth ratio (PaddleOCR: 1.5)
     * @param minSize least side of a kept box, in pixels (PaddleOCR: 3)
     * @throws IllegalArgumentException unless {@code 0 < threshold < 1}, {@code 0 ≤ boxThreshold ≤ 1},
     *                                  {@code unclipRatio ≥ 0} and {@code minSize ≥ 1}
     */
    public TextRegions {
        if (!(threshold > 0 && threshold < 1) || !(boxThreshold >= 0 && boxThreshold <= 1) || !(unclipRatio >= 0)
                || minSize < 1) {
            throw new IllegalArgumentException("need 0 < threshold < 1, 0 <= box threshold <= 1, unclip ratio >= 0 "
                    + "and min size >= 1");
        }
    }

    /**
     * The boxes in one map of {@code height × width} probabilities, stored row by row from {@code map[offset]}.
     */
    public List<TextBox> find(float[] map, int offset, int height, int width) {
        int pixels = Math.multiplyExact(height, width);
        boolean[] seen = new boolean[pixels];
        int[] stack = new int[pixels];
        List<TextBox> boxes = new ArrayList<>();
        for (int start = 0; start < pixels; start++) {
            if (seen[start] || !(map[offset + start] > threshold)) {
                continue;
            }
            // Flood fill of one 8-connected region, tracking its bounding box.
            int x0 = width;
            int y0 = height;
            int x1 = -1;
            int y1 = -1;
            int top = 0;
            stack[top++] = start;
            seen[start] = true;
            while (top > 0) {
                int p = stack[--top];
                int y = p / width;
                int x = p - y * width;
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int q = ny * width + nx;
                        if (nx >= 0 && nx < width && !seen[q] && map[offset + q] > threshold) {
                            seen[q] = true;
                            stack[top++] = q;
                        }
                    }
                }
            }
            TextBox box = keep(map, offset, width, height, x0, y0, x1 + 1, y1 + 1);
            if (box != null) {
                boxes.add(box);
            }
        }
        return boxes;
    }

    private TextBox keep(float[] map, int offset, int width, int height, int x0, int y0, int x1, int y1) {
        int w = x1 - x0;
        int h = y1 - y0;
        if (Math.min(w, h) < minSize) {
            return null;
        }
        double sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                sum += map[offset + y * width + x];
            }
        }
        if (sum / ((long) w * h) < boxThreshold) {
            return null;
        }
        double grow = (double) w * h * unclipRatio / (2.0 * (w + h));
        int gx0 = (int) Math.max(0, Math.floor(x0 - grow));
        int gy0 = (int) Math.max(0, Math.floor(y0 - grow));
        int gx1 = (int) Math.min(width, Math.ceil(x1 + grow));
        int gy1 = (int) Math.min(height, Math.ceil(y1 + grow));
        if (Math.min(gx1 - gx0, gy1 - gy0) < minSize + 2) {
            return null;
        }
        return new TextBox(gx0, gy0, gx1, gy1);
    }
}
