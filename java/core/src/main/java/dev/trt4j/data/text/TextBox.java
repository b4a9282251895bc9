package dev.trt4j.data.text;

/**
 * An axis-aligned box in pixel coordinates, {@code [x0, x1) × [y0, y1)}: where a rendered line's ink lies, or a
 * region a text detector found.
 *
 * @param x0 first column
 * @param y0 first row
 * @param x1 column after the last
 * @param y1 row after the last
 */
public record TextBox(int x0, int y0, int x1, int y1) {
    /**
     * @param x0 first column
     * @param y0 first row
     * @param x1 column after the last
     * @param y1 row after the last
     * @throws IllegalArgumentException if the box is empty
     */
    public TextBox {
        if (x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("empty box [" + x0 + ", " + x1 + ") x [" + y0 + ", " + y1 + ")");
        }
    }

    /** Width in pixels. */
    public int width() {
        return x1 - x0;
    }

    /** Height in pixels. */
    public int height() {
        return y1 - y0;
    }

    /** Area in pixels. */
    public long area() {
        return (long) width() * height();
    }

    /** Intersection over union with {@code other}: 0 when they do not overlap, 1 when they are equal. */
    public double iou(TextBox other) {
        long inter = intersection(other);
        return inter == 0 ? 0 : (double) inter / (area() + other.area() - inter);
    }

    /** The area this box shares with {@code other}, in pixels. */
    public long intersection(TextBox other) {
        long iw = Math.min(x1, other.x1) - Math.max(x0, other.x0);
        long ih = Math.min(y1, other.y1) - Math.max(y0, other.y0);
        return iw <= 0 || ih <= 0 ? 0 : iw * ih;
    }
}
