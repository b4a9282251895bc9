package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.ort.OrtRunnerOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks of {@code trt4j bench}'s options that picocli cannot make on its own (numbers in range, options that
 * the chosen backends, the number of runs or what stdout carries cannot honour), all made before anything is timed.
 */
final class BenchOptionChecks {
    private final CommandSpec spec;
    private final BenchBackendChoice backends;

    BenchOptionChecks(CommandSpec spec, BenchBackendChoice backends) {
        this.spec = spec;
        this.backends = backends;
    }

    /**
     * Each numeric option on its own, so the message names the option given. Batch 0 is refused here because
     * further down it means "no --batch" and would quietly time batch 1.
     */
    void validateNumbers(List<Integer> batches, int threads, int warmUpQueries, int iterations, int rounds,
                         List<Double> percentiles, double warmUpMs, double durationS) {
        for (int b : batches) {
            requireAtLeast("--batch", b, 1);
        }
        OptionValues.requireEachOnce("--batch", batches, "batch size");
        OptionValues.checked(() -> OrtRunnerOptions.requireThreadCount("threads", "automatic", threads));
        requireAtLeast("--warmup-iterations", warmUpQueries, 0);
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--rounds", rounds, 1);
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new ParameterException(spec.commandLine(), "--percentiles must be in [0, 100], got "
                        + OptionValues.plain(p));
            }
        }
        try {
            OptionValues.requireEachOnce("--percentiles", percentiles.stream().map(OptionValues::plain).toList(),
                    "percentile");
        } catch (InvalidOptionException e) {
            // 99,99,9 (99 and 99.9 with decimal commas) repeats 99 once split: the repeat is not what went wrong
            Optional<PercentileDecimalCommas.Reading> reading = decimalCommas();
            if (reading.isEmpty()) {
                throw e;
            }
            throw new InvalidOptionException(e.getMessage() + "; " + reading.get().hint(), e);
        }
        requireFiniteNotNegative("--warmup", warmUpMs, 1e6);
        requireFiniteNotNegative("--duration", durationS, 1e9);
    }

    /**
     * Warns in one line where {@code --percentiles} most likely holds a decimal comma ({@code 99,9}): 99 and 9 are
     * valid percentiles, so the list is timed as given, but a report of 99 and 9 would otherwise be all that said so.
     */
    void warnOfDecimalCommas(PrintWriter err) {
        decimalCommas().ifPresent(reading -> err.println("trt4j: warning: " + reading.warning()));
    }

    private Optional<PercentileDecimalCommas.Reading> decimalCommas() {
        return PercentileDecimalCommas.of(OptionValues.asTyped(spec, "--percentiles", List.of()));
    }

    /**
     * Infinity passes a plain sign check, and then the warm-up or the timing never ends; so does a finite value
     * whose nanoseconds ({@code nanosPerUnit} per unit) overflow the clock's long (1e308 s became infinite too).
     */
    private void requireFiniteNotNegative(String option, double value, double nanosPerUnit) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be a finite number, got " + value);
        }
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), option + " must not be negative, got " + value);
        }
        if (value * nanosPerUnit >= Long.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), option + " must be below "
                    + OptionValues.plain(Math.floor(Long.MAX_VALUE / nanosPerUnit)) + " (292 years), got " + value);
        }
    }

    private void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + (min == 0 ? " must not be negative"
                    : " must be at least " + min) + ", got " + value);
        }
    }

    /** stdout holds one JSON array: the per-query times of several runs need a file each. */
    List<BenchRun> requireOneRunOnStdout(List<BenchRun> runs, boolean timesOnStdout) {
        if (timesOnStdout && runs.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--json - prints the times of a single run; these "
                    + "options make " + runs.size() + " runs: give a FILE for one file per run");
        }
        return runs;
    }

    /**
     * The TensorRT switches, refused where another backend runs: ONNX Runtime would ignore them, and the numbers
     * would read as if they applied.
     */
    void requireTensorRtForItsOptions(List<BenchRun> runs, boolean noCudaGraph, boolean noSpinWait,
                                      boolean includeTransfers, boolean oneAtATime) {
        Map<String, Boolean> switches = new LinkedHashMap<>();
        switches.put("--no-cuda-graph", noCudaGraph);
        switches.put("--no-spin-wait", noSpinWait);
        switches.put("--include-transfers", includeTransfers);
        switches.put("--one-at-a-time", oneAtATime);
        for (Map.Entry<String, Boolean> option : switches.entrySet()) {
            if (!option.getValue()) {
                continue;
            }
            for (BenchRun run : runs) {
                String runsOn = backends.forFile(run.file());
                if (!runsOn.equals("tensorrt")) {
                    throw new ParameterException(spec.commandLine(), option.getKey() + " applies to TensorRT only; "
                            + run.file() + " runs on " + runsOn);
                }
            }
        }
    }

    /**
     * The profiling options, refused before anything is timed where a run's backend has no per-layer profile (the
     * tensorrt backend has none: {@code org.bytedeco:tensorrt:10.15-1.5.13} maps {@code IProfiler} without the
     * virtual methods a Java subclass needs, unlike {@code ILogger}), where rounds would profile each file again and
     * again, and where stdout carries a document (JSON, a table) that a printed profile would break.
     *
     * @param onStdout the option whose document stdout carries instead of the text report ({@code --json},
     *                 {@code --markdown}, ...), null where it carries the text report
     */
    void requireProfilingBackend(List<BenchRun> runs, boolean dumpProfile, boolean exportProfile, int rounds,
                                 String onStdout) {
        if (!dumpProfile && !exportProfile) {
            return;
        }
        String option = dumpProfile ? "--dump-profile" : "--export-profile";
        if (rounds > 1) {
            throw new ParameterException(spec.commandLine(), option + " profiles each run once; it cannot be used "
                    + "with --rounds");
        }
        if (dumpProfile && onStdout != null) {
            throw new ParameterException(spec.commandLine(), "--dump-profile prints with the text report, which "
                    + onStdout + " - replaces; write the profile with --export-profile FILE instead");
        }
        for (BenchRun run : runs) {
            String runsOn = backends.forFile(run.file());
            if (!runsOn.equals("onnxruntime")) {
                throw new ParameterException(spec.commandLine(), option + " needs the onnxruntime backend (JavaCPP's "
                        + "TensorRT 10.15 presets give Java no IProfiler to implement); " + run.file() + " runs on "
                        + runsOn);
            }
        }
    }

    /** {@code --threads} where no run reads it would change nothing, and the numbers would read as if it applied. */
    void requireOnnxRuntimeForThreads(List<BenchRun> runs, int threads) {
        if (threads != 0 && runs.stream().allMatch(run -> backends.forFile(run.file()).equals("tensorrt"))) {
            throw new ParameterException(spec.commandLine(), "--threads sets ONNX Runtime's threads, and every file "
                    + "here runs on TensorRT");
        }
    }

    /**
     * Refuses a comparison row whose files would run at different batches (each file's own fixed batch, without
     * {@code --batch}): each would sit in a column of its own beside no baseline, and the table would be empty.
     * Engines whose batch only loading tells (planned 0) are not judged here.
     */
    static void requireComparableBatches(List<BenchRun> runs, Map<BenchRun, Integer> plannedBatches) {
        for (List<BenchRun> group : BenchRun.groups(runs)) {
            Map<Integer, BenchRun> byBatch = new LinkedHashMap<>();
            group.stream().filter(r -> plannedBatches.get(r) > 0).forEach(r -> byBatch.putIfAbsent(
                    plannedBatches.get(r), r));
            if (group.get(0).precision().isEmpty() || byBatch.size() < 2) {
                continue;
            }
            String batches = byBatch.entrySet().stream().map(e -> e.getValue().precision() + " at batch "
                    + e.getKey()).collect(Collectors.joining(", "));
            throw new InvalidOptionException("--compare model=" + group.get(0).model() + ": the files run " + batches
                    + ", so no speedup can be computed; give --batch (or --shapes) that every file takes");
        }
    }
}
