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
}
