package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibration.SaturatingRanges;
import dev.trt4j.calibration.ZeroRanges;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.HistogramCollector;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.table.FloatBits;
import dev.trt4j.table.ShortestDecimal;
import dev.trt4j.table.TensorRtCalibrationCache;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code trt4j amax}: the amax one calibration method picks for one tensor given as .npy files or a histogram. */
@Command(name = "amax", sortOptions = false,
        description = {"Computes the amax (clipping magnitude) a calibration method picks for one tensor, from the "
                + "tensor's values in .npy files (collected in order, as batches) or from a histogram JSON file.",
            "Prints the amax as the shortest decimal that reads back as the same float32."})
public final class AmaxCommand implements Callable<Integer> {
    @Option(names = "--method", required = true, paramLabel = "NAME",
            description = "Calibration method: max, entropy, percentile[=P], mse (or any on the class path).")
    String method;

    @Option(names = "--percentile", paramLabel = "P",
            description = "Percentile in [0, 100] of --method percentile (default ${DEFAULT-VALUE}).",
            defaultValue = "99.99")
    double percentile;

    @Option(names = "--num-bits", paramLabel = "N", defaultValue = "8", description = "Quantized bits (default 8).")
    int numBits;

    @Option(names = "--unsigned", description = "Unsigned quantization (bound 255 for 8 bits).")
    boolean unsigned;

    @Option(names = "--start-bin", paramLabel = "N", defaultValue = "128",
            description = "First candidate bin count of the entropy and MSE searches (default 128).")
    int startBin;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1",
            description = "Step between candidates of the entropy and MSE searches (default 1).")
    int stride;

    @Option(names = "--num-bins", paramLabel = "N", defaultValue = "2048",
            description = "Histogram bins for the first batch, with --tensor (default 2048; not with --method max, "
                    + "which reads no histogram).")
    int numBins;

    @Option(names = "--skip-zeros",
            description = "Leave exact zeros out of the histogram, with --tensor (not with --method max).")
    boolean skipZeros;

    @Option(names = "--trt-threshold",
            description = "Entropy: TensorRT's (i + 0.5)·width threshold instead of the bin edge i·width.")
    boolean trtThreshold;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    /** Where the statistics come from: tensor values, or a histogram collected earlier. */
    static final class Input {
        @Option(names = "--tensor", arity = "1..*", paramLabel = "FILE.npy",
                description = "The tensor's values, one or more .npy files, collected in the order given.")
        List<Path> tensors;

        @Option(names = "--histogram", paramLabel = "FILE.json",
                description = "A histogram {\"counts\": [...], \"edges\": [...]} (not with --method max), or the "
                        + "statistics.json calibrate writes, with --name.")
        Path histogram;
    }

    @Option(names = "--name", paramLabel = "TENSOR",
            description = "With --histogram statistics.json: the tensor whose saved histogram to use (its max |x| is "
                    + "saved too, so --method max works).")
    String name;

    @Override
    public Integer call() {
        MethodSpec methodSpec = methodSpec();
        MethodOptionCheck.refuseUnusedOptionsOfOne(methodSpec, method,
                spec.commandLine().getParseResult()::hasMatchedOption);
        MethodOptionCheck.refuseUnusedGridOptions(methodSpec, method,
                spec.commandLine().getParseResult()::hasMatchedOption);
        Calibrator calibrator = methodSpec.calibrator();
        CalibrationOptions options = methodSpec.options();
        if (name != null && input.histogram == null) {
            throw new ParameterException(spec.commandLine(), "--name picks a tensor from --histogram statistics.json; "
                    + "--tensor files hold one tensor already");
        }
        TensorStatistics statistics = input.histogram != null ? fromHistogram(calibrator) : collect(methodSpec);
        float amax;
        try {
            amax = Calibrators.amax(calibrator, statistics, options);
        } catch (CalibrationException e) {
            // a histogram file is one tensor named after the file: say "h.json:", not "tensor 'h.json':"
            String prefix = "tensor '" + statistics.name() + "': ";
            if (input.histogram != null && name == null && e.getMessage().startsWith(prefix)) {
                throw new Trt4jException(input.histogram + ": " + e.getMessage().substring(prefix.length()), e);
            }
            throw e;
        }
        warnOfRange(methodSpec, statistics, amax);
        if (json.enabled()) {
            ObjectNode node = JsonOutput.putFloat(JsonOutput.object(), "amax", amax);
            node.put("hex", FloatBits.hex8(amax));
            json.print(spec.commandLine().getOut(), node);
        } else {
            spec.commandLine().getOut().println(ShortestDecimal.format(amax));
        }
        return 0;
    }

    /**
     * Says on stderr, in one line, what calibrate's table would warn of for this tensor (stdout keeps the amax alone,
     * and valid JSON with {@code --json}): a range at or below every nonzero value it took, or one of 0 that clips
     * them all (percentile 0's).
     */
    private void warnOfRange(MethodSpec methodSpec, TensorStatistics statistics, float amax) {
        if (ZeroRanges.clips(statistics, amax)) {
            warn(ZeroRanges.describe(methodSpec.label(), statistics));
        }
        SaturatingRanges.of(statistics, amax).ifPresent(s -> warn(SaturatingRanges.describe(methodSpec.label(), s)));
    }

    private void warn(String line) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("trt4j: warning: " + line);
        err.flush();
    }

    /**
     * {@code --method} as calibrate reads it ({@code percentile=P} included), checked against {@code --percentile}:
     * that option is refused where it would be ignored or contradicted.
     */
    private MethodSpec methodSpec() {
        // read as calibrate reads its list, so that a decimal comma (percentile=99,9) is named as such, then refused
        // as a list: "unknown calibration method 'entropy,max'" did not say that amax takes one
        List<MethodSpec> methods = MethodSpec.parseAll("--method", List.of(method), options());
        if (methods.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--method " + method + ": amax computes the amax of one "
                    + "method; give one (--method " + method.split(",")[0].strip() + "), or calibrate, which takes "
                    + "several");
        }
        MethodSpec parsed = methods.get(0);
        if (spec.commandLine().getParseResult().hasMatchedOption("--percentile")) {
            if (!"percentile".equals(parsed.name())) {
                throw new ParameterException(spec.commandLine(), "--percentile applies to --method percentile, not "
                        + method);
            }
            if (parsed.options().percentile() != percentile) {
                throw new ParameterException(spec.commandLine(), "--method " + method + " and --percentile "
                        + OptionValues.plain(percentile) + " disagree; give the percentile once");
            }
        }
        return parsed;
    }

    /**
     * The ranges are checked here, not only by {@link CalibrationOptions}, so the message names the option as the
     * user typed it rather than the record's field.
     */
    private CalibrationOptions options() {
        if (numBits < 1 || numBits > 16) {
            throw new ParameterException(spec.commandLine(), "--num-bits must be in [1, 16], got " + numBits);
        }
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new ParameterException(spec.commandLine(), "--percentile must be in [0, 100], got "
                    + OptionValues.plain(percentile));
        }
        try {
            return new CalibrationOptions(numBits, unsigned, startBin, stride, percentile, trtThreshold);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private TensorStatistics fromHistogram(Calibrator calibrator) {
        for (String collectionOnly : List.of("--num-bins", "--skip-zeros")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(collectionOnly)) {
                throw new ParameterException(spec.commandLine(), collectionOnly
                        + " applies to collecting --tensor values, not to a --histogram that is already collected");
            }
        }
        TensorRtCalibrationCache.headerOf(input.histogram).ifPresent(header -> {
            // a JSON parser's error about the header would not say what the file is
            throw new Trt4jException(input.histogram + ": a TensorRT calibration cache (" + header + "), which holds "
                    + "INT8 scales, not a histogram; give a histogram JSON or the statistics.json of trt4j calibrate");
        });
        boolean statistics = HistogramJson.isStatistics(input.histogram);
        if (name != null && !statistics) {
            HistogramJson.readHistogram(input.histogram); // a file that is no histogram (a table) is named as such
            throw new InvalidOptionException("--name picks a tensor of a statistics.json, but " + input.histogram
                    + " is a single histogram; drop --name");
        }
        if (statistics) {
            return savedTensor(input.histogram);
        }
        // read first: a file that is no histogram (a calibration table) is named as such, whatever the method
        Histogram h = HistogramJson.readHistogram(input.histogram);
        if ("max".equals(calibrator.name())) {
            throw new InvalidOptionException("the max method needs the tensor's values (--tensor FILE.npy) or a "
                    + "statistics.json with --name; a bare histogram does not keep max |x|");
        }
        return new TensorStatistics(input.histogram.getFileName().toString(), h, maxBound(h), h.total());
    }

    /**
     * The tightest upper bound of max |x| the histogram gives: the right edge of its last bin that counts anything
     * (0 when none). An NVIDIA histogram's max falls in that bin; the last edge can lie far beyond it (after growth,
     * or in a histogram made by hand), and a plug-in would take it for the data's max.
     */
    private static float maxBound(Histogram h) {
        for (int k = h.numBins() - 1; k >= 0; k--) {
            if (h.count(k) > 0) {
                return h.edge(k + 1);
            }
        }
        return 0f;
    }

    /** The statistics of tensor {@link #name} in a statistics file that {@code calibrate} wrote. */
    private TensorStatistics savedTensor(Path file) {
        Map<String, TensorStatistics> tensors = HistogramJson.readStatistics(file).statistics().tensors();
        if (name == null) {
            throw new ParameterException(spec.commandLine(), file + " holds the statistics of " + tensors.size()
                    + " tensors; pick one with --name (e.g. --name " + tensors.keySet().iterator().next() + ")");
        }
        TensorStatistics t = tensors.get(name);
        if (t == null) {
            throw new Trt4jException(file + ": no tensor '" + name + "'; it holds " + tensors.size() + " tensors, e.g. "
                    + tensors.keySet().stream().limit(3).map(n -> "'" + n + "'").toList());
        }
        return t;
    }

    private TensorStatistics collect(MethodSpec methodSpec) {
        boolean max = "max".equals(methodSpec.calibrator().name());
        for (String histogramOnly : List.of("--num-bins", "--skip-zeros")) {
            if (max && spec.commandLine().getParseResult().hasMatchedOption(histogramOnly)) {
                throw new InvalidOptionException(histogramOnly + " shapes the histogram, which --method max does not "
                        + "read (its amax is the largest |x|); drop " + histogramOnly);
            }
        }
        if (numBins < 1) {
            throw new ParameterException(spec.commandLine(), "--num-bins must be at least 1, got " + numBins);
        }
        if (numBins > HistogramCollector.MAX_BINS) {
            throw new ParameterException(spec.commandLine(), "--num-bins must be at most " + HistogramCollector.MAX_BINS
                    + ", got " + numBins);
        }
        MethodOptionCheck.refuseStartBinPastBins(List.of(methodSpec), numBins); // named as the options typed
        List<Path> files = input.tensors;
        String name = files.size() == 1 ? files.get(0).getFileName().toString()
                : files.get(0).getFileName() + " and " + (files.size() - 1) + " more";
        TensorStatisticsCollector collector = new TensorStatisticsCollector(name, numBins, skipZeros);
        if (max) {
            collector.dropHistogramOnOverflow(); // a quiet first file is no reason to fail the largest |x|
        }
        try (ProgressReporter progress = json.enabled() ? ProgressReporter.silent()
                : ProgressReporter.start("Collecting", files.size())) {
            for (Path file : files) {
                float[] values;
                try {
                    values = NpyFile.read(file).toFloats();
                } catch (IllegalArgumentException e) {
                    throw new Trt4jException(file + ": " + e.getMessage(), e); // a value float32 cannot hold
                }
                requireFinite(file, values);
                try {
                    collector.collect(values, 0, values.length);
                } catch (CalibrationException e) {
                    // amax has no range pass: the order of the files is what the user can change
                    throw new Trt4jException(file + ": " + e.getMessage().replace(HistogramCollector.GROWTH_ADVICE,
                            "give the file with the largest values first, so that the histogram starts at their "
                            + "range"), e);
                }
                progress.step();
            }
        }
        return collector.statistics();
    }

    /** Named by file and index here: the collector would name a tensor that only this command made up. */
    private static void requireFinite(Path file, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new Trt4jException(file + ": value " + values[i] + " at index " + i
                        + " is not finite; calibration needs finite values");
            }
        }
    }
}
