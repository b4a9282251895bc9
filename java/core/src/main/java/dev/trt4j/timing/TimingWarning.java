package dev.trt4j.timing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The warnings trtexec prints under its performance summary, with the same thresholds. */
public enum TimingWarning {
    /** Median enqueue time above 0.8 × median compute time. */
    ENQUEUE_BOUND("Throughput may be bound by Enqueue Time rather than GPU Compute and the GPU may be "
            + "under-utilized; CUDA graphs (the default) may increase the throughput."),
    /** Median host-to-device copy at least the median compute time. */
    H2D_BOUND("Throughput may be bound by host-to-device transfers for the inputs rather than GPU Compute and the "
            + "GPU may be under-utilized; exclude data transfers to time compute alone."),
    /** Median device-to-host copy at least the median compute time. */
    D2H_BOUND("Throughput may be bound by device-to-host transfers for the outputs rather than GPU Compute and the "
            + "GPU may be under-utilized; exclude data transfers to time compute alone."),
    /**
     * Compute time's coefficient of variation above {@value #UNSTABLE_COV_PERCENT} %; its text names both figures,
     * so that 2.6 % and 75 % do not read alike.
     */
    UNSTABLE("Compute time is unstable (coefficient of variation %s %% above %s %%); on a GPU, locking its clocks or "
            + "spin-wait may improve the stability; on a CPU, other work on the machine is the usual cause.");

    /** Median enqueue time / median compute time above which a run counts as enqueue-bound. */
    public static final double ENQUEUE_BOUND_RATIO = 0.8;
    /** Compute-time coefficient of variation (%) above which a run counts as unstable. */
    public static final double UNSTABLE_COV_PERCENT = 2.5;

    private final String text;

    TimingWarning(String text) {
        this.text = text;
    }

    /**
     * The warning as one sentence, with the run's own figure where it has one (the coefficient of variation of
     * {@link #UNSTABLE}).
     *
     * @param report the run the warning is about
     */
    public String text(PerformanceReport report) {
        if (this != UNSTABLE) {
            return text;
        }
        return String.format(Locale.ROOT, text, above(report.compute().coefficientOfVariation(), UNSTABLE_COV_PERCENT),
                BigDecimal.valueOf(UNSTABLE_COV_PERCENT).stripTrailingZeros().toPlainString());
    }

    /**
     * {@code value} with one decimal, or with as many more as it takes to read above {@code limit}: a coefficient of
     * 2.54 % at one decimal would say "2.5 % above 2.5 %".
     */
    private static String above(double value, double limit) {
        String text = "";
        for (int decimals = 1; decimals <= 6; decimals++) {
            text = String.format(Locale.ROOT, "%." + decimals + "f", value);
            if (Double.parseDouble(text) > limit) {
                break;
            }
        }
        return text;
    }

    /**
     * The warnings that apply. Enqueue-bound is checked only when enqueue time is measured apart from compute
     * (GPU runs); a synchronous CPU run's enqueue is the whole inference.
     */
    public static List<TimingWarning> check(MetricStatistics enqueue, MetricStatistics h2d, MetricStatistics compute,
                                            MetricStatistics d2h, TimingMode mode) {
        List<TimingWarning> warnings = new ArrayList<>();
        if (mode.gpuEvents() && enqueue.median() > ENQUEUE_BOUND_RATIO * compute.median()) {
            warnings.add(ENQUEUE_BOUND);
        }
        if (mode.gpuEvents() && h2d.median() >= compute.median()) {
            warnings.add(H2D_BOUND);
        }
        if (mode.gpuEvents() && d2h.median() >= compute.median()) {
            warnings.add(D2H_BOUND);
        }
        if (compute.coefficientOfVariation() > UNSTABLE_COV_PERCENT) {
            warnings.add(UNSTABLE);
        }
        return warnings;
    }
}
