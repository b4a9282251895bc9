package dev.trt4j.report;

import java.awt.Color;
import java.util.List;
import java.util.Locale;

/**
 * The colour of each method, by its place in the page's legend: its line on every chart and its swatch on the page.
 * The {@link #PALETTE} comes first; past it, hues step by the golden angle, which never brings a hue back and keeps
 * each new one far from those before it, so that no two methods share a colour however many a report shows (the
 * palette repeated itself past nine, and two methods' lines could not be told apart). Fixed by the place alone, so a
 * method keeps its colour from run to run.
 */
final class MethodColours {
    /** The first colours, one per method in order; chosen to stay apart for colour-blind readers. */
    static final List<Color> PALETTE = List.of(new Color(0xD55E00), new Color(0x0072B2),
            new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9),
            new Color(0x000000), new Color(0xF0E442), new Color(0x999999));
    /** The golden angle as a fraction of a turn, (3 − √5) / 2. */
    private static final double GOLDEN_TURN = (3 - Math.sqrt(5)) / 2;
    /** Where the hues past the palette start: between the palette's orange and yellow, away from its own hues. */
    private static final double FIRST_HUE = 0.11;

    private MethodColours() {
    }

    /**
     * The colour of the method at {@code index} in the legend (0 first).
     *
     * @throws IllegalArgumentException if {@code index} is negative
     */
    static Color of(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a method's place cannot be negative, got " + index);
        }
        if (index < PALETTE.size()) {
            return PALETTE.get(index);
        }
        long k = index - PALETTE.size();
        float hue = (float) ((FIRST_HUE + k * GOLDEN_TURN) % 1.0);
        // Two brightnesses in turn: hues close on the wheel (after many turns) then still differ in lightness. Both
        // are dark enough for a thin line on white, unlike a pale yellow.
        return Color.getHSBColor(hue, 0.8f, k % 2 == 0 ? 0.78f : 0.56f);
    }

    /** {@link #of}'s colour as CSS writes it: {@code #d55e00}. */
    static String css(int index) {
        return String.format(Locale.ROOT, "#%06x", of(index).getRGB() & 0xFFFFFF);
    }
}
