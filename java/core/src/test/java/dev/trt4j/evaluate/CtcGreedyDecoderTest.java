package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CtcGreedyDecoderTest {
    // classes: 0 blank, 1 'a', 2 'b', 3 '日', 4 space
    private static final CtcGreedyDecoder DECODER = new CtcGreedyDecoder(List.of("a", "b", "日"));

    /** One-step-per-row logits with the given best class (others lower, some negative). */
    static float[] logits(int classes, int... best) {
        float[] x = new float[best.length * classes];
        for (int t = 0; t < best.length; t++) {
            for (int k = 0; k < classes; k++) {
                x[t * classes + k] = -1f - k * 0.01f;
            }
            x[t * classes + best[t]] = 2.5f;
        }
        return x;
    }

    @Test
    void repeatsMergeBlanksSeparateAndSpaceIsTheLastClass() {
        float[] scores = logits(5, 1, 1, 0, 1, 2, 2, 4, 3, 0, 0, 3);

        assertThat(DECODER.decode(scores, 0, 11, 5)).isEqualTo("aab 日日");
    }

    @Test
    void decodesFromAnOffset() {
        float[] two = new float[20];
        System.arraycopy(logits(5, 1, 1, 1, 1), 0, two, 0, 20);
        float[] second = logits(5, 0, 2, 0, 3);
        float[] both = new float[40];
        System.arraycopy(two, 0, both, 0, 20);
        System.arraycopy(second, 0, both, 20, 20);

        assertThat(DECODER.decode(both, 0, 4, 5)).isEqualTo("a");
        assertThat(DECODER.decode(both, 20, 4, 5)).isEqualTo("b日");
    }

    @Test
    void onlyBlanksIsEmpty() {
        assertThat(DECODER.decode(logits(5, 0, 0, 0), 0, 3, 5)).isEmpty();
    }

    @Test
    void classCountMustFitTheKeys() {
        assertThat(DECODER.classCount()).isEqualTo(5);
        assertThatThrownBy(() -> DECODER.decode(new float[12], 0, 2, 6))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("the recognizer has 6 classes but the keys give 5 (blank + 3 keys + space)");
    }

    @Test
    void keysFileIsOneKeyALine(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "x\ny\n日\n", StandardCharsets.UTF_8);

        assertThat(CtcGreedyDecoder.readKeys(keys)).containsExactly("x", "y", "日");
        assertThat(CtcGreedyDecoder.readKeys(new ByteArrayInputStream("p\r\nq".getBytes(StandardCharsets.UTF_8)),
                "stream")).containsExactly("p", "q");
        assertThatThrownBy(() -> CtcGreedyDecoder.readKeys(dir.resolve("none.txt")))
                .isInstanceOf(Trt4jException.class).hasMessageEndingWith("none.txt: no such keys file");
    }

    @Test
    void editDistanceCountsCodePoints() {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("abc", "")).isEqualTo(3);
        assertThat(EditDistance.between("same", "same")).isZero();
        assertThat(EditDistance.between("日本語", "日木語")).isEqualTo(1);
        assertThat(EditDistance.between("a😀b", "ab")).as("a surrogate pair is one character").isEqualTo(1);
    }
}
