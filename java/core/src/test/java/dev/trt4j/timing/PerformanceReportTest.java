package dev.trt4j.timing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PerformanceReportTest {
    private static final List<Double> PERCENTILES = List.of(50.0, 90.0, 99.0);
    private static final TimingMode GPU = TimingMode.gpu(true, true, true);

    @Test
    void dropsQueriesThatStartComputingBeforeTheWarmUpEndsWhateverTheirOrder() {
        // queries every 10 ms from t = 0; compute starts at t + 1
        List<InferenceTrace> traces = new ArrayList<>(Traces.regular(50, 0, 10, 1, new double[] {2}, 1, 0.1));
        Collections.shuffle(traces, new Random(3));
        MeasuredTraces split = MeasuredTraces.split(traces, 200);
        // compute starts 1, 11, ..., 191 are warm-up (20 queries); 201 is the first measured
        assertThat(split.warmUpQueries()).isEqualTo(20);
        assertThat(split.measured()).hasSize(30);
        assertThat(split.measured()).extracting(InferenceTrace::startH2dMs).isSorted();
        assertThat(split.measured().get(0).startComputeMs()).isEqualTo(201);
    }

    @Test
    void walltimeSpansFirstMeasuredCopyInToLastCopyOut() {
        List<InferenceTrace> traces = Traces.regular(30, 0, 10, 1, new double[] {2}, 1, 0.1);
        MeasuredTraces split = MeasuredTraces.split(traces, 100);
        // first measured: query 10 (h2d start 100); last: query 29 (d2h end 290 + 4)
        assertThat(split.walltimeMs()).isEqualTo(294 - 100);
        PerformanceReport report = PerformanceReport.of(split, 8, PERCENTILES, GPU);
        assertThat(report.queries()).isEqualTo(20);
        assertThat(report.warmUpQueries()).isEqualTo(10);
        assertThat(report.queriesPerSecond()).isCloseTo(20 / 194.0 * 1000, within(1e-9));
        assertThat(report.samplesPerSecond()).isCloseTo(8 * 20 / 194.0 * 1000, within(1e-9));
    }

    @Test
    void separatesCopiesComputeEnqueueAndLatency() {
        double[] compute = {2, 4, 6, 8};
        List<InferenceTrace> traces = Traces.regular(8, 0, 20, 0.5, compute, 1.5, 0.25);
        PerformanceReport report = PerformanceReport.of(MeasuredTraces.split(traces, 0), 1, PERCENTILES, GPU);
        assertThat(report.compute().min()).isEqualTo(2);
        assertThat(report.compute().max()).isEqualTo(8);
        assertThat(report.compute().mean()).isEqualTo(5);
        assertThat(report.compute().median()).isEqualTo(5);
        assertThat(report.h2d().mean()).isEqualTo(0.5);
        assertThat(report.d2h().mean()).isEqualTo(1.5);
        assertThat(report.enqueue().max()).isEqualTo(0.25);
        assertThat(report.latency().min()).isEqualTo(4);
        assertThat(report.latency().max()).isEqualTo(10);
        assertThat(report.totalComputeMs()).isEqualTo(40);
        assertThat(report.warnings()).containsExactly(TimingWarning.UNSTABLE);
    }

    @Test
    void warnsLikeTrtexec() {
        // enqueue 1.7 ms against a 2 ms compute median: above 0.8 ×
        PerformanceReport enqueueBound = report(Traces.regular(10, 0, 10, 0, new double[] {2}, 0, 1.7), GPU);
        assertThat(enqueueBound.warnings()).containsExactly(TimingWarning.ENQUEUE_BOUND);
        PerformanceReport copyBound = report(Traces.regular(10, 0, 10, 2, new double[] {2}, 3, 0.1), GPU);
        assertThat(copyBound.warnings()).containsExactly(TimingWarning.H2D_BOUND, TimingWarning.D2H_BOUND);
        PerformanceReport unstable = report(Traces.regular(10, 0, 10, 0, new double[] {2, 2.2}, 0, 0.1), GPU);
        assertThat(unstable.compute().coefficientOfVariation()).isGreaterThan(TimingWarning.UNSTABLE_COV_PERCENT);
        assertThat(unstable.warnings()).containsExactly(TimingWarning.UNSTABLE);
    }

    /** The unstable-compute warning names the run's coefficient and the threshold: 2.6 % and 75 % read alike before. */
    @Test
    void theUnstableWarningNamesTheCoefficientAndTheThreshold() {
        // compute 2 and 2.2 ms in turn: a coefficient of variation of 1/21 = 4.76 %
        PerformanceReport unstable = report(Traces.regular(10, 0, 10, 0, new double[] {2, 2.2}, 0, 0.1), GPU);
        assertThat(TimingWarning.UNSTABLE.text(unstable)).startsWith("Compute time is unstable (coefficient of "
                + "variation 4.8 % above 2.5 %); ");
        assertThat(PerformanceReportText.lines(unstable)).contains("* " + TimingWarning.UNSTABLE.text(unstable));
        // just above the threshold: as many decimals as show it above, not "2.5 % above 2.5 %"
        // (1.0515 - 1) / (1.0515 + 1) = 2.510 %
        PerformanceReport barely = report(Traces.regular(10, 0, 10, 0, new double[] {1, 1.0515}, 0, 0.1), GPU);
        assertThat(barely.compute().coefficientOfVariation()).isBetween(2.5, 2.55);
        assertThat(TimingWarning.UNSTABLE.text(barely)).contains("(coefficient of variation 2.51 % above 2.5 %)");
    }

    @Test
    void synchronousCpuRunsAreNeverEnqueueBound() {
        List<InferenceTrace> traces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            traces.add(InferenceTrace.withoutTransfers(i * 5, i * 5 + 4, i * 5, i * 5 + 4));
        }
        PerformanceReport report = report(traces, TimingMode.cpu(2));
        assertThat(report.enqueue().median()).isEqualTo(report.compute().median());
        assertThat(report.h2d().max()).isZero();
        assertThat(report.latency().mean()).isEqualTo(4);
        assertThat(report.warnings()).isEmpty();
        assertThat(PerformanceReportText.lines(report)).noneMatch(l -> l.startsWith("Enqueue Time"))
                .anyMatch(l -> l.contains("threads: 2"));
    }

    @Test
    void textReportNamesEveryPercentile() {
        PerformanceReport report = report(Traces.regular(10, 0, 10, 1, new double[] {2}, 1, 0.1), GPU);
        List<String> lines = PerformanceReportText.lines(report);
        assertThat(lines).anyMatch(l -> l.startsWith("GPU Compute Time: min = 2 ms")
                && l.contains("percentile(90%) = 2 ms") && l.contains("percentile(99%)"));
        assertThat(lines.get(0)).isEqualTo("Timing: CUDA events; CUDA Graph: Enabled, Spin-wait: Enabled, "
                + "Data transfers: Enabled");
    }

    /** C++'s default float output (%g, 6 digits) drops trailing zeros in the exponent form too. */
    @Test
    void numbersReadAsACppStreamPrintsThem() {
        assertThat(PerformanceReportText.number(4.9574e-05)).isEqualTo("4.9574e-05");
        assertThat(PerformanceReportText.number(1e-07)).isEqualTo("1e-07");
        assertThat(PerformanceReportText.number(1.234567e-05)).isEqualTo("1.23457e-05");
        assertThat(PerformanceReportText.number(272845.4)).isEqualTo("272845");
        assertThat(PerformanceReportText.number(2726452)).isEqualTo("2.72645e+06");
        assertThat(PerformanceReportText.number(999999.5)).isEqualTo("1e+06");
        assertThat(PerformanceReportText.number(0.0022)).isEqualTo("0.0022");
        assertThat(PerformanceReportText.number(0.0001)).isEqualTo("0.0001");
        assertThat(PerformanceReportText.number(-0.5)).isEqualTo("-0.5");
        assertThat(PerformanceReportText.number(99.9)).isEqualTo("99.9");
        assertThat(PerformanceReportText.number(0)).isEqualTo("0");
        assertThat(PerformanceReportText.number(1e-300)).isEqualTo("1e-300");
        // a tie rounds to even from the exact value, as C does; Java's %g rounds it up
        assertThat(PerformanceReportText.number(1234565)).isEqualTo("1.23456e+06");
        assertThat(PerformanceReportText.number(Double.NaN)).isEqualTo("nan");
        assertThat(PerformanceReportText.number(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    @Test
    void refusesARunThatNeverLeftWarmUp() {
        assertThatThrownBy(() -> MeasuredTraces.split(Traces.regular(3, 0, 1, 0, new double[] {1}, 0, 0), 10))
                .hasMessageContaining("all 3 were warm-up");
    }

    private static PerformanceReport report(List<InferenceTrace> traces, TimingMode mode) {
        return PerformanceReport.of(MeasuredTraces.split(traces, 0), 1, PERCENTILES, mode);
    }
}
