package dev.trt4j.data.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

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
}
