package dev.trt4j;

import org.junit.jupiter.api.Test;

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
}
