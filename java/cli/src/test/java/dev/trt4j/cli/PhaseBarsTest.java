package dev.trt4j.cli;

import dev.trt4j.stats.ProgressListener;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PhaseBarsTest {
    /** The frames each phase's bar drew, by label, and each phase's bar. */
    private final Map<String, List<String>> frames = new LinkedHashMap<>();
    private final Map<String, ProgressReporter> bars = new LinkedHashMap<>();

    /**
     * compare-calibrators' single bar read "Comparing 100% 16/16" after the statistics, then "Comparing 25% 8/32" in
     * the evaluation: each phase now gets a bar of its own, under its own label, and the one before is closed.
     */
    @Test
    void eachPhaseDrawsItsOwnBarAndClosesTheOneBefore() {
        try (PhaseBars bars = new PhaseBars(this::bar)) {
            ProgressListener statistics = bars.begin("Collecting statistics", 16);
            statistics.progress(16, 16);
            ProgressListener evaluation = bars.begin("Evaluating methods", -1);
            assertThat(closed()).containsExactly("Collecting statistics");
            evaluation.progress(8, 32);
            evaluation.progress(32, 32);
            int drawn = framesOf("Collecting statistics").size();
            statistics.progress(4, 16); // late: the phase has ended
            assertThat(framesOf("Collecting statistics")).as("an ended phase draws nothing more").hasSize(drawn);
        }
        assertThat(closed()).containsExactly("Collecting statistics", "Evaluating methods");
        assertThat(framesOf("Collecting statistics")).anySatisfy(f -> assertThat(f).contains("16/16"))
                .allSatisfy(f -> assertThat(f).doesNotContain("/32"));
        assertThat(framesOf("Evaluating methods")).allSatisfy(f -> assertThat(f).startsWith("Evaluating methods")
                .doesNotContain("16/16")).anySatisfy(f -> assertThat(f).contains("32/32"));
    }

    /** The frames {@code label}'s bar drew, less the blank one that clears it when it closes. */
    private List<String> framesOf(String label) {
        List<String> drawn;
        synchronized (frames) {
            drawn = frames.get(label);
        }
        synchronized (drawn) {
            return drawn.stream().filter(f -> !f.isBlank()).toList();
        }
    }

    private List<String> closed() {
        return bars.entrySet().stream().filter(e -> e.getValue().isClosed()).map(Map.Entry::getKey).toList();
    }

    private ProgressReporter bar(String label, long total) {
        List<String> drawn = new ArrayList<>();
        synchronized (frames) {
            frames.put(label, drawn);
        }
        ProgressReporter bar = new ProgressReporter(label, total, ProgressReporterTest.capture(drawn),
                ProgressBarStyle.ASCII);
        bars.put(label, bar);
        return bar;
    }
}
