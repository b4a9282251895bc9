package dev.trt4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Under LC_ALL=C (an ASCII terminal) trt4j's arrows and symbols print as ASCII instead of '?'. */
class AsciiFallbacksTest {
    private static final List<Charset> ASCII = List.of(StandardCharsets.US_ASCII);
    private static final List<Charset> UTF8 = List.of(StandardCharsets.UTF_8);

    @Test
    void anAsciiTerminalGetsAsciiForEachSymbolAndOtherTextAsItIs() {
        AsciiFallbacks ascii = AsciiFallbacks.of(ASCII);

        assertThat(ascii.needed()).isTrue();
        assertThat(ascii.apply("Quantized m.onnx with t.json → q.onnx")).isEqualTo("Quantized m.onnx with t.json -> "
                + "q.onnx");
        assertThat(ascii.apply("SNR ∞ and -∞; sha 0123… ×3 — 180° ±127 100 µs (i + 0.5)·width –"))
                .isEqualTo("SNR inf and -inf; sha 0123... x3 - 180 degrees +/-127 100 us (i + 0.5)*width -");
        assertThat(ascii.apply("名前 é")).as("no ASCII stands for a name").isEqualTo("名前 é");
    }

    /** evaluate's SNR column right-aligns ∞ and calibrate's name column pads a name cut with …: columns stay put. */
    @Test
    void aLongerFallbackTakesItsColumnsFromThePaddingBesideIt() {
        AsciiFallbacks ascii = AsciiFallbacks.of(ASCII);

        assertThat(ascii.apply("1.000000           ∞            0")).isEqualTo("1.000000         inf            0");
        assertThat(ascii.apply("…/layer.3/out      0.25")).isEqualTo(".../layer.3/out    0.25");
        assertThat(ascii.apply("a → b")).as("between words: no padding to take").isEqualTo("a -> b");
        assertThat(ascii.apply("  ∞")).as("two spaces: one would be left between columns").isEqualTo("  inf");
    }

    @Test
    void aTerminalThatShowsTheSymbolsKeepsThem() {
        AsciiFallbacks utf8 = AsciiFallbacks.of(UTF8);

        assertThat(utf8.needed()).isFalse();
        assertThat(utf8.apply("a → b ∞")).isEqualTo("a → b ∞");
        assertThat(AsciiFallbacks.of(List.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII)).needed())
                .as("the JVM's charset and the terminal's: both must show a symbol").isTrue();
        assertThat(AsciiFallbacks.of(List.of(StandardCharsets.ISO_8859_1)).apply("× → µ"))
                .as("Latin-1 shows × and µ, not →").isEqualTo("× -> µ");
    }

    /**
     * picocli's writer (help, results, errors) and the stream warnings are logged on both get the fallbacks, a line at
     * a time: printf pads a column a character at a time, and the padding must still be there to take from.
     */
    @Test
    void theWriterAndTheStreamPrintTheFallbacksLineByLine() {
        AsciiFallbacks ascii = AsciiFallbacks.of(ASCII);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream lines = ascii.lines(bytes, StandardCharsets.US_ASCII);
        try (PrintWriter w = new PrintWriter(new OutputStreamWriter(lines, StandardCharsets.UTF_8), true)) {
            w.printf("%s → %s%n", "a", "b");
            w.printf("%-8s%10s|%n", "snr", "∞");
            w.print("名");
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("a -> b" + System.lineSeparator()
                + "snr            inf|" + System.lineSeparator() + "?");

        bytes.reset();
        try (PrintStream s = new PrintStream(ascii.lines(bytes, StandardCharsets.US_ASCII), true,
                StandardCharsets.UTF_8)) {
            s.println("trt4j: warning: 2 activation range(s) of 0: a ±127 range");
            s.printf("%s…%n", "0123");
            s.print((Object) "∞");
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("trt4j: warning: 2 activation range(s) of 0: "
                + "a +/-127 range" + System.lineSeparator() + "0123..." + System.lineSeparator() + "inf");
    }

    /** One rule for the progress bar's block characters and the symbols: both ask TerminalCharsets. */
    @Test
    void theProgressBarAndTheSymbolsFollowTheSameCharsets() {
        assertThat(TerminalCharsets.canShow(ASCII, ProgressReporter.BLOCK_CHARACTERS)).isFalse();
        assertThat(TerminalCharsets.canShow(UTF8, ProgressReporter.BLOCK_CHARACTERS + "→∞")).isTrue();
        assertThat(TerminalCharsets.encoding(List.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII)))
                .as("the terminal's, after the JVM's default").isEqualTo(StandardCharsets.US_ASCII);
    }
}
