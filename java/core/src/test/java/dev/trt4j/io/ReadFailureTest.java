package dev.trt4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ReadFailureTest {
    @TempDir
    Path dir;

    @Test
    void namesTheCauseInWordsInsteadOfThePathOrTheDecodersDetail() throws IOException {
        IOException missing = catchThrowableOfType(() -> Files.readString(dir.resolve("nope.json")),
                IOException.class);
        assertThat(ReadFailure.reason(missing)).isEqualTo("no such file");

        Path binary = Files.write(dir.resolve("a.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
        IOException notText = catchThrowableOfType(() -> Files.readString(binary, StandardCharsets.UTF_8),
                IOException.class);
        assertThat(ReadFailure.reason(notText)).isEqualTo("not a UTF-8 text file");

        IOException folder = catchThrowableOfType(() -> Files.readString(dir), IOException.class);
        assertThat(ReadFailure.reason(folder)).isNotBlank().doesNotContain(dir.toString());
    }
}
