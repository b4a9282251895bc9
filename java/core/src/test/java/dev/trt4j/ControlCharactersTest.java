package dev.trt4j;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ControlCharactersTest {
    @Test
    void plainNamesComeBackAsTheyAre() {
        String name = "/encoder/layer.0/attention/Gather_1:0 (Unnamed Layer* 64) [Shuffle] 词 é";
        assertThat(ControlCharacters.escape(name)).isSameAs(name);
    }

    @Test
    void lineBreaksEscapesAndBidirectionalOverridesAreWrittenAsEscapes() {
        assertThat(ControlCharacters.escape("a\nb\u001b[31m")).isEqualTo("a\\u000ab\\u001b[31m");
        // Unicode's own line and paragraph separators split a line as a newline does
        assertThat(ControlCharacters.escape("a\u2028b\u2029")).isEqualTo("a\\u2028b\\u2029");
        // a right-to-left override shows the rest of the line reversed; isolates and embeddings reorder too
        assertThat(ControlCharacters.escape("x\u202Eevil\u202C")).isEqualTo("x\\u202eevil\\u202c");
        assertThat(ControlCharacters.escape("\u2067y\u2069")).isEqualTo("\\u2067y\\u2069");
    }

    @AfterEach
    void showAllOfUnicodeAgain() {
        ControlCharacters.showOnly(null);
    }

    /**
     * Under LC_ALL=C a terminal shows ASCII: a name's other characters are escaped, never printed as '?' or rewritten
     * by the CLI's ASCII for its own symbols into another plausible name (x→in read x->in).
     */
    @Test
    void whatTheOutputCannotShowIsEscapedToo() {
        ControlCharacters.showOnly(StandardCharsets.US_ASCII);

        assertThat(ControlCharacters.escape("x→in")).isEqualTo("x\\u2192in");
        assertThat(ControlCharacters.escape("w∞ é 词 \uD83D\uDE00")).isEqualTo("w\\u221e \\u00e9 \\u8bcd \\ud83d\\ude00");
        String plain = "/encoder/layer.0/Gather_1:0";
        assertThat(ControlCharacters.escape(plain)).isSameAs(plain);
        assertThat(ControlCharacters.escape("a\nb")).isEqualTo("a\\u000ab");
    }

    @Test
    void latin1ShowsItsLettersAndAUtf8OutputShowsEverything() {
        ControlCharacters.showOnly(StandardCharsets.ISO_8859_1);
        assertThat(ControlCharacters.escape("é→")).isEqualTo("é\\u2192");

        ControlCharacters.showOnly(StandardCharsets.UTF_8);
        assertThat(ControlCharacters.shown()).isNull();
        String name = "x→in é 词";
        assertThat(ControlCharacters.escape(name)).isSameAs(name);
    }
}
