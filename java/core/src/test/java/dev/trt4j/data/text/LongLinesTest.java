package dev.trt4j.data.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LongLinesTest {
    @Test
    void theBoundIs64CharactersATokenAndAtLeast8KiB() {
        assertThat(LongLines.bound(128)).isEqualTo(8192);
        assertThat(LongLines.bound(512)).isEqualTo(32768);
        assertThat(LongLines.bound(6)).isEqualTo(8192);
        assertThat(LongLines.bound(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE - 1);
    }

    @Test
    void linesWithinTheBoundAreKeptAsTheyAre() {
        List<String> lines = List.of("the cat", "x".repeat(8192));

        LongLines.Result r = LongLines.cut(lines, 128);

        assertThat(r.lines()).isSameAs(lines);
        assertThat(r.cut()).isZero();
    }

    @Test
    void aLongLineIsCutAtItsLastWhiteSpaceBeforeTheBound() {
        String words = "word ".repeat(3000); // 15,000 characters: white space at 8189, the bound 8192 in a word

        LongLines.Result r = LongLines.cut(List.of(words, "short"), 128);

        assertThat(r.cut()).isEqualTo(1);
        assertThat(r.bound()).isEqualTo(8192);
        assertThat(r.lines().get(0)).isEqualTo("word ".repeat(1638).strip()).hasSize(8189);
        assertThat(r.lines().get(1)).isEqualTo("short");
    }

    /** No white space in the second half: cut at the bound, not at a space near the start, which would lose most. */
    @Test
    void aLineWithoutWhiteSpaceNearTheBoundIsCutThereButNotInsideASurrogatePair() {
        String word = "a " + "x".repeat(8189) + "\uD83D\uDE00" + "y".repeat(100); // the pair at 8191 and 8192

        String kept = LongLines.cut(List.of(word), 128).lines().get(0);

        assertThat(kept).hasSize(8191).endsWith("x");
        assertThat(LongLines.cut(List.of("a".repeat(30_001)), 128).lines().get(0)).hasSize(8192);
    }
}
