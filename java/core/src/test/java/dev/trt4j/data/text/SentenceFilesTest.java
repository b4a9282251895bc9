package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentenceFilesTest {
    @TempDir
    Path dir;

    @Test
    void blankLinesAndOnesHoldingOnlyAByteOrderMarkAreSkipped() throws IOException {
        Path file = Files.writeString(dir.resolve("s.txt"), "\uFEFF\r\n  hello world \r\n\n\uFEFF \nsecond\n");

        assertThat(SentenceFiles.read(file)).containsExactly("hello world", "second");
    }

    /** Lines that only look blank (no-break, ideographic and zero-width spaces) would be empty samples. */
    @Test
    void linesOfInvisibleSpacesAreBlankToo() throws IOException {
        Path file = Files.writeString(dir.resolve("s.txt"), "\u00A0\u00A0\n\u200B\n\u3000\u3000\n\u2060\u202F\nword\u00A0two\n"
                + "\u00A0caf\u00E9\u00A0\n");

        assertThat(SentenceFiles.read(file)).containsExactly("word\u00A0two", "\u00A0caf\u00E9\u00A0");
    }

    /** TensorRT's samples read calibration lists of image paths; drawn as text they would calibrate on file names. */
    @Test
    void aListOfDataFilesIsRefusedAsNoSentences() throws IOException {
        Path list = Files.writeString(dir.resolve("calib_list.txt"), "img/0.png\nimg/1.JPG\n\nimg/2.npy\n");

        assertThatThrownBy(() -> SentenceFiles.read(list)).isInstanceOf(Trt4jException.class)
                .hasMessage(list + ": every line starts with a data file's name (img/0.png, …), as a list of "
                        + "samples or of labels does, not a sentence; trt4j reads the files themselves: give --data the "
                        + "folder that holds them (copy or link the listed files into one); a label file of "
                        + "PATH<TAB>LABEL lines is read with its labels when given as --data itself, for an image model");
        // PaddleOCR's rec_gt.txt: a file name, a tab, the text
        Path labels = Files.writeString(dir.resolve("rec_gt.txt"), "train/0001.jpg\tHello there\ntrain/0002.jpg\tAnd "
                + "you\n");
        assertThatThrownBy(() -> SentenceFiles.read(labels)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("every line starts with a data file's name (train/0001.jpg\tHello there, …)");
        Path mixed = Files.writeString(dir.resolve("mixed.txt"), "img/0.png\nsee the photo.png for details\n");
        assertThat(SentenceFiles.read(mixed)).hasSize(2);
    }

    @Test
    void textThatIsNotUtf8IsNamedWithItsFirstBadByte() throws IOException {
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "first line\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> SentenceFiles.read(latin1)).isInstanceOf(Trt4jException.class)
                .hasMessage(latin1 + ": not UTF-8 text (byte 0xE9 at offset 14, line 2)");
    }

    /** Under ar_EG or fa_IR the default locale's digits are Arabic-Indic: the message keeps the ones a user types. */
    @Test
    void theFirstBadByteIsNamedInPlainDigitsInEveryLocale() throws IOException {
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "first line\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            for (String tag : java.util.List.of("ar-EG", "fa-IR", "hi-IN-u-nu-deva")) {
                java.util.Locale.setDefault(java.util.Locale.forLanguageTag(tag));
                assertThatThrownBy(() -> SentenceFiles.read(latin1)).as(tag)
                        .hasMessage(latin1 + ": not UTF-8 text (byte 0xE9 at offset 14, line 2)");
            }
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}
