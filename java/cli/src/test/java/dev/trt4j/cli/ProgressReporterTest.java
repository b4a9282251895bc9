package dev.trt4j.cli;

import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressReporterTest {

    @Test
    void staysSilentWithoutAConsole() {
        // Maven's forked test JVM has no console, like a pipe or a CI log.
        try (ProgressReporter p = ProgressReporter.start("Collecting", 3)) {
            p.step();
            assertThat(p.isShowing()).isEqualTo(System.console() != null);
        }
        ProgressReporter silent = ProgressReporter.silent();
        silent.stepBy(5);
        silent.close();
        silent.close();
        assertThat(silent.isShowing()).isFalse();
    }

    @Test
    void aStderrThatIsAPipeIsNoTerminal() {
        // Maven's forked test JVM writes stderr into a pipe, as 2>run.log writes it into a file
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isSymbolicLink(
                java.nio.file.Path.of("/proc/self/fd/2")), "no /proc/self/fd on this system");
        assertThat(ProgressReporter.stderrIsTerminal()).isFalse();
    }

    @Test
    void rendersTaskAndProgressWhenShown() {
        assertThat(frames(ProgressReporter.style(java.util.Map.of())))
                .anySatisfy(f -> assertThat(f).contains("Collecting").contains("4/4"));
    }

    /**
     * A bar closed early (evaluate's "Opening models", closed once the models are open) and again at the end of its
     * try block draws nothing more: the library's second close drew it again below the next bar.
     */
    @Test
    void aSecondCloseDrawsNothing() {
        List<String> frames = new ArrayList<>();
        ProgressReporter p = new ProgressReporter("Opening models", -1, capture(frames),
                ProgressReporter.style(java.util.Map.of()));
        p.close();
        int drawn;
        synchronized (frames) {
            drawn = frames.size();
        }
        p.close();
        synchronized (frames) {
            assertThat(frames).hasSize(drawn);
        }
    }

    /** A consumer that keeps every frame drawn, in {@code frames} (locked on it: bars draw on their own thread). */
    static ProgressBarConsumer capture(List<String> frames) {
        return new ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return 80;
            }

            @Override
            public void accept(String rendered) {
                synchronized (frames) {
                    frames.add(rendered);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** Frames of a 4-step bar drawn in {@code style}. */
    private static List<String> frames(me.tongfei.progressbar.ProgressBarStyle style) {
        List<String> frames = new ArrayList<>();
        try (ProgressReporter p = new ProgressReporter("Collecting", 4, capture(frames), style)) {
            assertThat(p.isShowing()).isTrue();
            p.stepBy(4);
        }
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    @Test
    void noColorAndADumbTerminalGetABarWithoutEscapeSequences() {
        assertThat(frames(ProgressReporter.style(java.util.Map.of()))).as("the default bar is coloured")
                .anyMatch(f -> f.indexOf(0x1b) >= 0);
        for (java.util.Map<String, String> env : List.of(java.util.Map.of("NO_COLOR", "1"),
                java.util.Map.of("TERM", "dumb"), java.util.Map.of("TERM", "dumb", "NO_COLOR", "1"))) {
            assertThat(frames(ProgressReporter.style(env))).as(env.toString())
                    .anySatisfy(f -> assertThat(f).contains("4/4")).noneMatch(f -> f.indexOf(0x1b) >= 0);
        }
        assertThat(ProgressReporter.style(java.util.Map.of("NO_COLOR", ""))).as("an empty NO_COLOR asks nothing")
                .isSameAs(ProgressReporter.style(java.util.Map.of()));
        assertThat(frames(ProgressReporter.style(java.util.Map.of("TERM", "dumb")))).allMatch(f -> f.chars()
                .allMatch(c -> c < 0x80));
    }

    /** {@code LC_ALL=C} on a terminal: the block characters were written as {@code ???}; ASCII is drawn instead. */
    @Test
    void aCharsetThatCannotEncodeTheBlocksGetsTheAsciiBar() {
        java.nio.charset.Charset ascii = java.nio.charset.StandardCharsets.US_ASCII;
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        assertThat(ProgressReporter.style(java.util.Map.of(), List.of(utf8, ascii)))
                .isEqualTo(me.tongfei.progressbar.ProgressBarStyle.ASCII);
        assertThat(ProgressReporter.style(java.util.Map.of("NO_COLOR", "1"), List.of(java.nio.charset.Charset
                .forName("ISO-8859-1")))).isEqualTo(me.tongfei.progressbar.ProgressBarStyle.ASCII);
        assertThat(ProgressReporter.style(java.util.Map.of(), List.of(utf8)))
                .isEqualTo(me.tongfei.progressbar.ProgressBarStyle.COLORFUL_UNICODE_BLOCK);
        assertThat(frames(ProgressReporter.style(java.util.Map.of(), List.of(ascii))))
                .anySatisfy(f -> assertThat(f).contains("4/4")).allMatch(f -> f.chars().allMatch(c -> c < 0x80));
        assertThat(frames(ProgressReporter.style(java.util.Map.of(), List.of(utf8))))
                .anyMatch(f -> f.chars().anyMatch(c -> ProgressReporter.BLOCK_CHARACTERS.indexOf(c) >= 0));
        assertThat(TerminalCharsets.stderr()).contains(java.nio.charset.Charset.defaultCharset());
    }

    /**
     * On a dumb terminal the library cannot learn the width and drew 80 columns, which wrap on a narrower terminal
     * at every update; drawn in the columns it is given, every frame fits them, with the last one left free.
     */
    @Test
    void aBarDrawnInColumnsFitsThem() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        try (ProgressReporter p = new ProgressReporter("Collecting statistics", 256,
                ProgressReporter.inColumns(out, 40), me.tongfei.progressbar.ProgressBarStyle.ASCII)) {
            p.stepBy(100);
            p.stepBy(156);
        }
        List<String> frames = java.util.Arrays.stream(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)
                .split("[\\r\\n]")).filter(f -> !f.isEmpty()).toList();
        assertThat(frames).anySatisfy(f -> assertThat(f).contains("Collecting statistics"))
                .allSatisfy(f -> assertThat(f.length()).as(f).isLessThanOrEqualTo(39));
    }
}
