package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibration.TableMatch;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.cli.RangePassArgument;
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizedOperators;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.stats.BatchOverlap;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.ShortestDecimal;
import dev.trt4j.table.TensorRtCalibrationCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code trt4j calibrate}: one statistics pass over the data with ONNX Runtime, then every requested method
 * applied to the same statistics; writes a TensorRT cache and a JSON table per method plus the histograms.
 */
@Command(name = "calibrate", sortOptions = false,
        description = {"Calibrates a model's activations on CPU: one pass with ONNX Runtime collects what every "
                + "method needs, then each --method computes its ranges.",
            "Writes <out>/<method>.cache (TensorRT calibration cache), <out>/<method>.table.json (amax with "
                + "provenance) and <out>/statistics.json (histograms, reusable with --statistics)."})
public final class CalibrateCommand implements Callable<Integer> {
    private static final int TABLE_ROWS = 15;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "ONNX model (default: the embedded PP-OCR text-direction classifier, on text lines "
                    + "rendered from bundled sentences).")
    Path model;

    @Option(names = "--method", split = ",", paramLabel = "M",
            description = "Methods: max, entropy, percentile[=P], mse, or any on the class path; repeat or separate "
                    + "with commas (default: max,entropy,percentile,mse).")
    List<String> methods = new ArrayList<>(List.of("max", "entropy", "percentile", "mse"));

    @Option(names = "--list-methods", description = "List the methods this trt4j finds (built in, and plug-ins on "
            + "the class path) with their descriptions, and each plug-in that did not load with why; calibrates "
            + "nothing (with --json: one JSON document).")
    boolean listMethods;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: engines/<model>/calibration).")
    Path out;

    @Option(names = "--all-tensors",
            description = "Calibrate every activation tensor (TensorRT implicit INT8) instead of the inputs of "
                    + "quantizable operators (explicit Q/DQ).")
    boolean allTensors;

    @Option(names = "--qdq-only",
            description = "Calibrate only the tensors `quantize` needs with its defaults (Conv, Gemm and MatMul "
                    + "inputs, residual adds): less to collect than every quantizable input (on MiniLM a quarter).")
    boolean qdqOnly;

    @Option(names = "--statistics", paramLabel = "FILE",
            description = "Apply the methods to statistics saved by an earlier run instead of running the model; "
                    + "the output folder gets a copy of them, so that report can read it.")
    Path statisticsFile;

    @Option(names = "--num-bins", paramLabel = "N", defaultValue = "2048", description = "Histogram bins (default 2048).")
    int numBins;

    @Option(names = "--skip-zeros", description = "Leave exact zeros out of the histograms.")
    boolean skipZeros;

    @Option(names = "--num-bits", paramLabel = "N", defaultValue = "8", description = "Quantized bits (default 8).")
    int numBits;

    @Option(names = "--unsigned", description = "Unsigned quantization.")
    boolean unsigned;

    @Option(names = "--start-bin", paramLabel = "N", defaultValue = "128",
            description = "First candidate of the entropy and MSE searches (default 128).")
    int startBin;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1", description = "Candidate step (default 1).")
    int stride;

    @Option(names = "--trt-threshold", description = "Entropy: TensorRT's (i + 0.5)·width threshold.")
    boolean trtThreshold;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads and histogram workers (default 0: automatic, one worker per "
                    + "core up to 8). On many cores fewer can be faster: they contend.")
    int threads;

    @Option(names = "--histogram-threads", paramLabel = "N", defaultValue = "0",
            description = "Histogram workers apart from ONNX Runtime's threads (default: as --threads). On a "
                    + "16-core Xeon, 8 beside ONNX Runtime's 16 gave the fastest pass.")
    int histogramThreads;

    @Option(names = "--batch-overlap", paramLabel = "auto|on|off", defaultValue = "auto",
            description = "Bin one batch's tensors while ONNX Runtime runs the next (default auto: on with 8 or more "
                    + "processors where a second batch of tensors takes at most a quarter of the Java heap's limit). "
                    + "Holds two batches of tensors instead of one; the statistics are the same.")
    String batchOverlap;

    @Option(names = "--full", description = "Print every tensor's ranges, not only the first " + TABLE_ROWS + ".")
    boolean full;

    @Mixin
    DataArguments dataArguments;

    @Mixin
    StateFeedbackArguments feedback;

    @Mixin
    RangePassArgument rangePass;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (listMethods) {
            return listMethods();
        }
        CalibrationOptions base = calibrationOptions();
        List<String> typed = OptionValues.asTyped(spec, "--method", methods);
        List<MethodSpec> specs = MethodSpec.parseAll("--method", typed, base);
        MethodOptionCheck.refuseUnusedOptions(specs, String.join(",", typed),
                spec.commandLine().getParseResult()::hasMatchedOption);
        boolean defaultModel = model == null;
        Path modelFile = defaultModel ? DefaultModel.file() : model;
        OnnxModel onnx = OnnxModel.load(modelFile);
        dataArguments.requireSequenceLengthFits(onnx);
        Optional<String> notFp32 = notFp32(modelFile, onnx);
        Path folder = out != null ? out : Path.of("engines", stem(modelFile), "calibration");
        // each method's files too, before the statistics pass: a folder in the way would fail only the commit
        List<String> fileNames = CalibrationOutputs.fileNames("", specs.stream().map(MethodSpec::label).toList());
        OutputFiles identities = new OutputFiles().reads("the model", modelFile).reads("--data", dataArguments.data())
                .reads("--tokenizer", dataArguments.tokenizer());
        if (statisticsFile != null && !FileIdentity.same(statisticsFile,
                folder.resolve(CalibrationOutputs.STATISTICS_FILE))) {
            identities.reads("--statistics", statisticsFile); // the very file is not written again (below)
        }
        identities.addInFolder("--out", folder, fileNames).requireNoneIsRead();
        StagedWrites.requireWritable(folder, fileNames);
        StatisticsOptions statisticsOptions = OptionValues.checked(() -> new StatisticsOptions(numBins, skipZeros,
                threads, 0).withHistogramThreads(histogramThreads)).withFeedback(feedback.feedback())
                .withRangePass(rangePass.enabled()).withBatchOverlap(batchOverlap())
                // max reads only max |x|: a first batch far quieter than a later one is no reason to fail then
                .withHistogramsOptional(specs.stream().noneMatch(m -> m.calibrator().readsHistograms()));
        ActivationStatistics statistics;
        if (statisticsFile != null) {
            refuseCollectionOptions();
            HistogramJson.StatisticsFile saved = HistogramJson.readStatistics(statisticsFile);
            if (!saved.statistics().modelSha256().equals(onnx.sha256())) {
                throw new Trt4jException(statisticsFile + ": statistics were collected on another model (SHA-256 "
                        + saved.statistics().modelSha256().substring(0, 12) + "…, " + modelFile.getFileName()
                        + " is " + onnx.sha256().substring(0, 12) + "…)");
            }
            statistics = saved.statistics();
            statisticsOptions = saved.options();
            // the hash ties the file to the model, not its tensor list, which may have been edited since
            if (statistics.tensors().isEmpty()) {
                throw new Trt4jException(statisticsFile + ": holds no tensors; there is nothing to calibrate");
            }
            statistics.tensors().keySet().stream().filter(t -> !onnx.hasTensor(t)).findFirst().ifPresent(t -> {
                throw new Trt4jException(statisticsFile + ": tensor '" + t + "' is not in " + modelFile.getFileName());
            });
        } else {
            // Saved statistics are checked by the methods themselves, in no time; a pass is worth checking first.
            MethodOptionCheck.refuseStartBinPastBins(specs, numBins);
            // a node ONNX Runtime cannot run (a TensorRT plugin) named as evaluate names it, before the tensors to
            // calibrate are chosen: their warning of untyped plugin outputs would come before the error it explains
            OperatorCheck.require(onnx.proto(), modelFile.getFileName().toString(), "calibrate runs it");
            statistics = collect(onnx, statisticsOptions);
            noteDroppedHistograms(statistics);
            noteZeroRanges(statistics, onnx);
            feedback.nothingCarriedNote(statistics.samples(), statistics.batches(), onnx.inputs())
                    .ifPresent(this::warn);
            dataArguments.fewerSamplesThanAsked(spec.commandLine().getParseResult(), statistics.samples())
                    .ifPresent(this::warn);
        }
        // said once the statistics are there: a command line refused after it would print two lines
        notFp32.ifPresent(why -> {
            warn(why + ": calibrate the FP32 model to quantize it");
        });
        // Compute every table before writing anything, so a failing method leaves no partial set of files.
        Map<MethodSpec, CalibrationTable> tables = new LinkedHashMap<>();
        for (MethodSpec m : specs) {
            tables.put(m, AmaxTableCalculator.compute(statistics, m, modelFile, statisticsOptions));
        }
        CalibrationOutputs outputs = new CalibrationOutputs(folder);
        Map<String, CalibrationTable> byLabel = new LinkedHashMap<>();
        tables.forEach((m, t) -> byLabel.put(m.label(), t));
        Path statsPath = folder.resolve(CalibrationOutputs.STATISTICS_FILE);
        // With --statistics the folder still gets its own copy, so that it is a complete calibration folder that
        // report and a later --statistics can take; only when the statistics are that very file is there no need.
        boolean inPlace = statisticsFile != null && FileIdentity.same(statisticsFile, statsPath);
        Map<String, CalibrationOutputs.Written> files = outputs.writeAll(inPlace ? null : statistics,
                statisticsOptions, byLabel);
        noteStaleTables(outputs, statistics, byLabel.keySet());
        Map<MethodSpec, CalibrationOutputs.Written> written = new LinkedHashMap<>();
        tables.keySet().forEach(m -> written.put(m, files.get(m.label())));
        if (json.enabled()) {
            json.print(spec.commandLine().getOut(), toJson(modelFile, statistics, statsPath, tables, written));
        } else {
            print(spec.commandLine().getOut(), modelFile, statistics, statsPath, tables, written);
        }
        return 0;
    }

    /** {@code --list-methods}, alone or with {@code --json}: anything else would be silently ignored. */
    private int listMethods() {
        List<String> others = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(OptionSpec::longestName).filter(n -> !n.equals("--list-methods") && !n.equals("--json"))
                .distinct().toList();
        if (model != null || !others.isEmpty()) {
            throw new InvalidOptionException("--list-methods lists the methods and calibrates nothing; drop "
                    + (model != null ? "the model" + (others.isEmpty() ? "" : " and ") : "")
                    + String.join(", ", others));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            json.print(out, MethodListing.toJson());
        } else {
            MethodListing.print(out);
        }
        return 0;
    }

    /**
     * Why {@code onnx} is no FP32 model for quantize (quantized already, or FP16), if it is not. Calibrating such a
     * model works, but its ranges are those of that graph (an accumulator's cast, a float16 tensor), which quantize
     * refuses: most likely the FP32 model was meant, which a warning says. With {@code --qdq-only}, which asks for the
     * tensors quantize would quantize, such a model is refused.
     *
     * @throws Trt4jException with --qdq-only, for a model that is not FP32
     */
    private Optional<String> notFp32(Path modelFile, OnnxModel onnx) {
        String why;
        Map<String, Integer> found = QuantizedOperators.in(onnx);
        if (!found.isEmpty()) {
            why = modelFile.getFileName() + " is quantized already (" + QuantizedOperators.describe(found) + ")";
        } else {
            try {
                QdqQuantizer.requireFp32(onnx.proto(), modelFile.getFileName().toString());
                return Optional.empty();
            } catch (Trt4jException fp16) {
                why = fp16.getMessage().replace("; quantize the FP32 model", "");
            }
        }
        if (qdqOnly) {
            throw new Trt4jException(why + "; --qdq-only picks the tensors quantize would quantize, and quantize does "
                    + "not take such a model: calibrate the FP32 model, or leave out --qdq-only");
        }
        return Optional.of(why + "; its ranges describe that graph, which quantize does not take");
    }

    /**
     * Says, in one stderr line, which tensors keep only max |x| in the statistics file: a later method read from it
     * (--statistics) would otherwise fail on them with no warning when they were written.
     */
    private void noteDroppedHistograms(ActivationStatistics statistics) {
        List<TensorStatistics> dropped = statistics.tensors().values().stream()
                .filter(t -> t.droppedBecause() != null).toList();
        if (!dropped.isEmpty()) {
            TensorStatistics first = dropped.get(0);
            warn(Counts.of(dropped.size(), "tensor") + " kept only max |x| in "
                    + CalibrationOutputs.STATISTICS_FILE + ", no histogram (tensor '" + first.name() + "': "
                    + first.droppedBecause() + "), so only the max method can be applied to "
                    + (dropped.size() == 1 ? "it" : "them") + " later; --range-pass keeps every histogram");
        }
    }

    /**
     * Says, in one stderr line, which tensors were 0 on every sample: a range of 0 is a scale of 0 in the caches,
     * which build takes as it is; right for a tensor that is always 0, but for a model input it means the data held
     * nothing (a placeholder array, a failed preprocessing step).
     */
    private void noteZeroRanges(ActivationStatistics statistics, OnnxModel onnx) {
        Set<String> inputs = new HashSet<>();
        onnx.inputs().forEach(i -> inputs.add(i.name()));
        List<String> zero = statistics.tensors().values().stream().filter(t -> t.count() > 0 && t.absMax() == 0f)
                .map(TensorStatistics::name).sorted(Comparator.comparing(n -> !inputs.contains(n))).toList();
        if (!zero.isEmpty()) {
            String first = zero.get(0);
            warn(Counts.of(zero.size(), "tensor") + " " + (zero.size() == 1 ? "was" : "were")
                    + " 0 on every sample (" + (inputs.contains(first) ? "model input '" + first + "'"
                    : "'" + first + "'") + (zero.size() > 1 ? " first" : "") + "), so the tables give "
                    + (zero.size() == 1 ? "it" : "them") + " a range of 0, a scale of 0 in the TensorRT caches; check "
                    + "the data unless " + (zero.size() == 1 ? "it is" : "they are") + " always 0");
        }
    }

    /** One warning line on stderr, in the CLI's words; the tensor names it may hold come from the model. */
    private void warn(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("trt4j: warning: " + ControlCharacters.escape(message));
        err.flush();
    }

    /** Names, in one stderr line, the tables an earlier run left in the folder (see {@link CalibrationOutputs}). */
    private void noteStaleTables(CalibrationOutputs outputs, ActivationStatistics statistics, Set<String> written) {
        outputs.staleTablesNotice(statistics, written).ifPresent(notice -> {
            warn(notice);
        });
    }

    private ActivationStatistics collect(OnnxModel onnx, StatisticsOptions options) {
        if (allTensors && qdqOnly) {
            throw new InvalidOptionException("--all-tensors and --qdq-only choose different tensors; give one of them");
        }
        List<String> tensors = allTensors ? onnx.allActivationTensors()
                : qdqOnly ? new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto())
                : onnx.quantizableActivationTensors();
        if (tensors.isEmpty()) {
            String bodies = ControlFlow.bodiesNote(onnx.proto().getGraph());
            throw new Trt4jException(onnx.path() + ": no activation tensors to calibrate" + (!bodies.isEmpty()
                    ? " in the main graph; it holds " + bodies
                    : allTensors ? "" : " (no Conv, Gemm, MatMul or other quantizable operator; try --all-tensors)"));
        }
        requireCacheableNames(onnx, tensors);
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(onnx, tensors, options);
        try (ProgressReporter progress = json.enabled() ? ProgressReporter.silent()
                : ProgressReporter.start("Collecting statistics", -1)) {
            return collector.collect(() -> openData(onnx), progress::update);
        }
    }

    /**
     * Before the pass: a name a TensorRT cache cannot hold (a line break in it) would otherwise stop the run only
     * when the caches are written. Tables of other bit widths have no cache, and take any name.
     */
    private void requireCacheableNames(OnnxModel onnx, List<String> tensors) {
        if (numBits != 8 || unsigned) {
            return;
        }
        tensors.stream().filter(t -> !TensorRtCalibrationCache.canHold(t)).findFirst().ifPresent(t -> {
            throw new Trt4jException(onnx.path() + ": tensor '" + ControlCharacters.escape(t) + "' has "
                    + (t.isEmpty() ? "an empty name" : "a line break in its name") + ", which a TensorRT calibration "
                    + "cache (one line per tensor) cannot hold; rename the tensor in the model");
        });
    }

    private BatchOverlap batchOverlap() {
        return switch (batchOverlap.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> BatchOverlap.AUTO;
            case "on" -> BatchOverlap.ON;
            case "off" -> BatchOverlap.OFF;
            default -> throw new InvalidOptionException("--batch-overlap must be auto, on or off, got '"
                    + ControlCharacters.escape(batchOverlap) + "'");
        };
    }

    private CalibrationDataSource openData(OnnxModel onnx) {
        return dataArguments.open(feedback.dataInputs(onnx.path().toString(), onnx.inputs(), onnx.outputs()),
                onnx.outputs());
    }

    /** Options that say how to collect statistics, which {@code --statistics} reuses instead of collecting. */
    private static final List<String> COLLECTION_OPTIONS = List.of("--data", "--samples", "--batch", "--shapes",
            "--preprocess", "--mean", "--std", "--channel-order", "--resize", "--tokenizer", "--seq-len", "--rotate-half", "--hop", "--seed", "--all-tensors",
            "--qdq-only", "--num-bins", "--skip-zeros", "--threads", "--histogram-threads", "--batch-overlap",
            "--feedback", "--range-pass");

    /** @throws Trt4jException if an option given with {@code --statistics} would be ignored */
    private void refuseCollectionOptions() {
        List<String> given = COLLECTION_OPTIONS.stream()
                .filter(name -> spec.commandLine().getParseResult().hasMatchedOption(name)).toList();
        if (!given.isEmpty()) {
            throw new InvalidOptionException("--statistics " + statisticsFile + " reuses statistics already "
                    + "collected, so "
                    + String.join(", ", given) + " would have no effect; drop " + (given.size() == 1 ? "it" : "them")
                    + ", or collect again without --statistics");
        }
    }

    private CalibrationOptions calibrationOptions() {
        return OptionValues.checked(() -> new CalibrationOptions(numBits, unsigned, startBin, stride,
                CalibrationOptions.defaults().percentile(), trtThreshold));
    }

    private static String stem(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    private void print(PrintWriter w, Path modelFile, ActivationStatistics statistics, Path statsPath,
                       Map<MethodSpec, CalibrationTable> tables, Map<MethodSpec, CalibrationOutputs.Written> written) {
        w.printf(Locale.ROOT,
                "Calibrated %s on %s (%s): %s%n", modelFile.getFileName(), Counts.of(statistics.samples(), "sample"),
                statistics.dataDescription(), Counts.of(statistics.tensors().size(), "tensor"));
        List<String> names = new ArrayList<>(statistics.tensors().keySet());
        // the summary keeps its columns narrow; --full is for finding tensors, so it prints their whole names, as
        // ControlCharacters writes them: a model's name with a newline would fake a row, an escape would reach the
        // terminal
        int longest = names.stream().mapToInt(n -> ControlCharacters.escape(n).length()).max().orElse(6);
        int width = Math.max(6, full ? longest : Math.min(48, longest));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%n%-" + width + "s", "tensor"));
        for (MethodSpec m : tables.keySet()) {
            header.append(String.format(Locale.ROOT, "  %14s", m.label()));
        }
        w.println(header);
        int rows = full ? names.size() : Math.min(TABLE_ROWS, names.size());
        for (int r = 0; r < rows; r++) {
            String name = names.get(r);
            String escaped = ControlCharacters.escape(name);
            String shown = escaped.length() > width ? "…" + escaped.substring(escaped.length() - width + 1) : escaped;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", shown));
            for (CalibrationTable t : tables.values()) {
                line.append(String.format(Locale.ROOT, "  %14s", ShortestDecimal.format(t.amax(name))));
            }
            w.println(line);
        }
        if (rows < names.size()) {
            w.printf(Locale.ROOT, "… %d more tensors (--full prints them all)%n", names.size() - rows);
        }
        w.println();
        w.printf(Locale.ROOT, "Statistics: %s%n", statsPath);
        written.forEach((m, files) -> w.printf(Locale.ROOT,
                "%-18s %s, table %s%n", m.label() + ":", files.cache() != null
                ? "TensorRT cache " + files.cache() : "no TensorRT cache (a cache holds signed 8-bit scales only)", files.table()));
        w.flush();
    }

    private static ObjectNode toJson(Path modelFile, ActivationStatistics statistics, Path statsPath,
                                     Map<MethodSpec, CalibrationTable> tables,
                                     Map<MethodSpec, CalibrationOutputs.Written> written) {
        ObjectNode root = JsonOutput.object();
        root.put("model", modelFile.toString());
        root.put("samples", statistics.samples());
        root.put("data", statistics.dataDescription());
        root.put("statistics", statsPath.toString());
        // tensors whose statistics keep only max |x| (a quiet first batch with --method max alone)
        ArrayNode dropped = root.putArray("histogramsDropped");
        statistics.tensors().values().stream().filter(t -> t.droppedBecause() != null)
                .forEach(t -> dropped.add(t.name()));
        ArrayNode methods = root.putArray("methods");
        tables.forEach((m, t) -> {
            ObjectNode n = methods.addObject();
            n.put("method", m.label());
            Path cache = written.get(m).cache();
            n.put("cache", cache == null ? null : cache.toString());
            n.put("table", written.get(m).table().toString());
            ObjectNode amax = n.putObject("amax");
            t.amaxByTensor().forEach((name, a) -> JsonOutput.putFloat(amax, name, a));
        });
        return root;
    }
}
