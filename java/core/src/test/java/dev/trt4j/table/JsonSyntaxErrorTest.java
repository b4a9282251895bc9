package dev.trt4j.table;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSyntaxErrorTest {
    @TempDir
    Path dir;

    @Test
    void truncatedFileNamesFilePositionAndTheUnclosedArray() throws Exception {
        Path file = dir.resolve("h.json");
        Files.writeString(file, "{\"counts\":[10,5\n");

        assertThatThrownBy(() -> JsonDocument.read(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": not valid JSON at line 2, column 1: unexpected end of input"
                        + " (an array is not closed)");
    }

    @Test
    void messagesCarryNoJacksonInternals() {
        String[] malformed = {"{\"a\":1", "[1}", "[1,2,]", "{a:1}", "{\"a\":NaN}", "/* c */{}", "{\"a\":\"x\ty\"}",
                "{\"a\":1} {}", "abc", "[1 2]", "\u0000"};
        for (String text : malformed) {
            assertThatThrownBy(() -> JsonDocument.parse(text, "t.json")).isInstanceOf(Trt4jException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .as("message for %s", text)
                            .startsWith("t.json: not valid JSON at line 1, column ")
                            .doesNotContain("Source", "REDACTED", "`", "(code ", "Feature", "\n"));
        }
    }

    @Test
    void rewordsCommonProblems() {
        assertThat(message("{\"a\":1")).endsWith(": unexpected end of input (an object is not closed)");
        assertThat(message("{\"a\":")).endsWith(": unexpected end of input (an object is not closed)");
        assertThat(message("[1,")).endsWith(": unexpected end of input (an array is not closed)");
        assertThat(message("[1}")).endsWith(": unexpected close marker '}': expected ']'");
        assertThat(message("[1,2,]")).contains(": unexpected character ']': expected a valid value");
        assertThat(message("{\"a\":1} {}")).endsWith(": unexpected text after the end of the JSON value");
        assertThat(message("{\"a\":1,\"a\":2}")).endsWith(": duplicate key 'a'");
        assertThat(message("{\"a\":NaN}")).endsWith(": non-standard token 'NaN'");
        assertThat(message("{\"a\":\"x\ty\"}")).contains("(control character, code 9)");
        assertThat(message("/* c */{}")).endsWith(": unexpected character '/': maybe a (non-standard) comment?");
    }

    private static String message(String text) {
        try {
            JsonDocument.parse(text, "t.json");
        } catch (Trt4jException e) {
            return e.getMessage();
        }
        throw new AssertionError("parsed: " + text);
    }
}
