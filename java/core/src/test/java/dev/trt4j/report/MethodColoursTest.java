package dev.trt4j.report;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodColoursTest {
    @Test
    void fortyMethodsGetFortyColours() {
        Set<Integer> rgb = new HashSet<>();
        IntStream.range(0, 40).forEach(i -> rgb.add(MethodColours.of(i).getRGB()));

        assertThat(rgb).hasSize(40);
    }

    /** Far past any real report, still no colour twice: the golden angle brings no hue back. */
    @Test
    void manyMethodsStillGetDistinctColours() {
        Set<Integer> rgb = new HashSet<>();
        IntStream.range(0, 500).forEach(i -> rgb.add(MethodColours.of(i).getRGB()));

        assertThat(rgb).hasSize(500);
    }

    /** Reports of up to nine methods look as they did before the colours past the palette. */
    @Test
    void theFirstNineAreThePalette() {
        List<Integer> first = IntStream.range(0, 9).mapToObj(i -> MethodColours.of(i).getRGB() & 0xFFFFFF).toList();

        assertThat(first).containsExactly(0xD55E00, 0x0072B2, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000,
                0xF0E442, 0x999999);
    }

    /** Fixed by the place alone: a report's tenth method is drawn in this colour in every run. */
    @Test
    void aMethodsColourIsTheSameEveryRun() {
        assertThat(MethodColours.css(0)).isEqualTo("#d55e00");
        assertThat(MethodColours.css(9)).isEqualTo("#c79128");
    }

    @Test
    void aNegativePlaceIsRefused() {
        assertThatThrownBy(() -> MethodColours.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
