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

    @Test
    void aFolderWhereAFileWasExpectedIsCalledAFolder() throws IOException {
        IOException folder = catchThrowableOfType(() -> Files.readAllBytes(dir), IOException.class);
        assertThat(ReadFailure.of(dir, folder)).hasMessage(dir + ": is a folder, expected a file");
        assertThat(ReadFailure.of(dir, "the keys", folder)).hasMessage(dir + ": is a folder, expected a file");

        Path missing = dir.resolve("nope.json");
        IOException absent = catchThrowableOfType(() -> Files.readString(missing), IOException.class);
        assertThat(ReadFailure.of(missing, "the keys", absent)).hasMessage(missing + ": cannot read the keys: no such "
                + "file");
    }
}
