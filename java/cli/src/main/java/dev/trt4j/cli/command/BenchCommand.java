package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.benchmark.BenchmarkBackend;
import dev.trt4j.benchmark.BenchmarkBackends;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.benchmark.BenchmarkSummaryJson;
import dev.trt4j.benchmark.ComparisonRow;
import dev.trt4j.benchmark.EngineShapeCheck;
import dev.trt4j.data.npy.ArrayShapes;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.ShapeSpecParser;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.timing.LayerProfile;
import dev.trt4j.timing.LayerProfileJson;
import dev.trt4j.timing.LayerProfileText;
import dev.trt4j.timing.PerformanceReportText;
import dev.trt4j.timing.SpeedupRounds;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;
import dev.trt4j.timing.TimesJson;
import dev.trt4j.timing.TimingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code trt4j bench ENGINE|MODEL}: times inference as trtexec does (warm-up by time, at least N iterations and at
 * least the duration, trtexec's percentiles) on TensorRT or on ONNX Runtime's CPU, and with {@code --compare} prints
 * the FP32/FP16/INT8 speedup table, from one run per cell or, with {@code --rounds}, from the median of interleaved
 * rounds. All files are checked before anything runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times inference like trtexec on TensorRT or ONNX Runtime (CPU); compares precisions.")
public final class BenchCommand implements Callable<Integer> {
    /** How many of the slowest layers {@code --dump-profile} lists after the time by operator type. */
    private static final int SLOWEST_LAYERS = 10;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENGINE|MODEL", description = "A .engine/.plan or .onnx file.")
    private Path file;

    @Option(names = "--backend", paramLabel = "tensorrt|onnxruntime",
            description = "Default: tensorrt for .engine/.plan files, onnxruntime for .onnx.")
    private String backend;

    @Option(names = "--batch", split = ",", paramLabel = "N[,N...]",
            description = "Batch sizes to time, for example 1,8,128; each replaces the first dimension of every "
                    + "input, also of those --shapes gives.")
    private List<Integer> batches = new ArrayList<>();

    @Option(names = "--shapes", paramLabel = "SPEC",
            description = "Input shapes as trtexec's, for example x:1x3x48x192 (with --batch, the first "
                    + "dimension is the batch's).")
    private String shapes;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "200", description = "Warm-up in ms (default 200).")
    private double warmUpMs;

    @Option(names = "--warmup-iterations", paramLabel = "N", defaultValue = "10",
            description = "Warm-up lasts at least N queries too, for the JIT (default 10; 0 = trtexec's rule).")
    private int warmUpQueries;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "3", description = "Measure at least S seconds (default 3).")
    private double durationS;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10", description = "Measure at least N queries (default 10).")
    private int iterations;

    @Option(names = "--percentiles", split = ",", paramLabel = "P[,P...]", description = "Default 50,90,95,99.")
    private List<Double> percentiles = new ArrayList<>(List.of(50.0, 90.0, 95.0, 99.0));

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime: threads per inference (default: one per processor).")
    private int threads;

    @Option(names = "--inputs", paramLabel = "random|zeros|DATA", defaultValue = "random",
            description = "Input values: seeded random, zeros, or samples from a data file/folder.")
    private String inputs;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json for text given with --inputs (a .txt of sentences, for a text model).")
    private Path tokenizer;

    @Option(names = "--no-cuda-graph", description = "TensorRT: enqueue each query instead of a CUDA graph launch.")
    private boolean noCudaGraph;

    @Option(names = "--no-spin-wait", description = "TensorRT: block on events instead of spinning.")
    private boolean noSpinWait;

    @Option(names = "--include-transfers", description = "TensorRT: copy inputs in and outputs out every query.")
    private boolean includeTransfers;

    @Option(names = "--one-at-a-time", description = "TensorRT: no query queued ahead (latency, not throughput).")
    private boolean oneAtATime;

    @Option(names = "--dump-profile",
            description = "ONNX Runtime: after each timed run, time every layer in a separate run of --iterations "
                    + "queries (after --warmup-iterations) with ONNX Runtime's profiler, and print the time by "
                    + "operator type and the slowest layers (trtexec's --dumpProfile --separateProfileRun).")
    private boolean dumpProfile;

    @Option(names = "--export-profile", paramLabel = "FILE",
            description = "ONNX Runtime: write that per-layer profile in trtexec's --exportProfile layout "
                    + "(count, then name, timeMs, averageMs, medianMs, percentage and operator per layer): FILE "
                    + "for a single run; with several runs one file each, the run's label before the extension "
                    + "(profile.json: profile.b8.json).")
    private Path exportProfile;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Per-query times in trtexec's --exportTimes layout (h2dMs and d2hMs null where copies "
                    + "are not timed): FILE for a single run; with several runs one file each, the run's label "
                    + "before the extension (times.json: times.b8.json). '-' prints a single run's times on stdout instead of the text report.")
    private Path json;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Every run's summary (throughput; min, max, mean, median and percentiles of each metric) "
                    + "and, with --compare, the speedup table, as one JSON document for scripts; '-' prints it on "
                    + "stdout instead of the text report.")
    private String summaryJson;

    @Option(names = "--compare", paramLabel = "[model=NAME,]fp32=F,LABEL=F...",
            description = "Time each file against fp32, one column per LABEL (fp16, int8, dynamic-int8, ...); repeat "
                    + "for more models (rows of the speedup table).")
    private List<String> compare = new ArrayList<>();

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "With --compare: time the files of each model and batch N times, in rounds whose order "
                    + "reverses each time, and report each precision's median per-round speedup and its range. Load "
                    + "on a shared machine moves a ratio of two runs taken one after the other; it moves the "
                    + "median of ratios taken side by side far less (default 1).")
    private int rounds;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Write the speedup table as Markdown.")
    private Path markdown;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the speedup table as CSV.")
    private Path csv;

    @Option(names = "--table-json", paramLabel = "FILE", description = "Write the speedup table as JSON.")
    private Path tableJson;

    /** One timed run: a table cell. */
    private record Run(String model, String precision, Path file, int batch) {
    }

    @Override
    public Integer call() {
        validateNumbers();
        if (backend != null) {
            BenchmarkBackends.requireKnown(backend);
        }
        List<Run> runs = plan();
        requireTensorRtForItsOptions(runs);
        requireProfilingBackend(runs);
        if (threads != 0 && runs.stream().allMatch(run -> backendFor(run.file()).equals("tensorrt"))) {
            throw new ParameterException(spec.commandLine(), "--threads sets ONNX Runtime's threads, and every file "
                    + "here runs on TensorRT");
        }
        TimingSettings timing = timing();
        BenchInputs values = inputs();
        Map<Path, PreflightFacts> models = new HashMap<>();
        Map<String, long[]> shapeMap = shapes != null ? ShapeSpecParser.parse("--shapes", shapes)
                : shapesOfDataArrays(runs, models);
        Map<Run, Integer> plannedBatches = new HashMap<>();
        for (Run run : runs) {
            plannedBatches.put(run, preflight(run, shapeMap, models, values));
        }
        requireOutputFiles(runs, plannedBatches);
        requireComparableBatches(runs, plannedBatches);
        // Every backend a run needs is found, and runs here, before the first run is timed: a comparison that
        // mixes ONNX models with engines must not time the models and then stop at the missing GPU.
        runs.stream().map(run -> backendFor(run.file())).distinct().forEach(BenchmarkBackends::named);
        PrintWriter out = spec.commandLine().getOut();
        List<SpeedupTable.Entry> entries = new ArrayList<>();
        SpeedupRounds sideBySide = new SpeedupRounds(ComparisonRow.BASELINE);
        List<BenchmarkSummaryJson.Run> summaries = new ArrayList<>();
        // Written once every run has succeeded: a run that fails late leaves no files of the earlier ones.
        Map<Path, BenchmarkResult> times = new LinkedHashMap<>();
        Map<Path, LayerProfile> profiles = new LinkedHashMap<>();
        for (List<Run> group : groups(runs)) {
            for (int round = 0; round < rounds; round++) {
                List<Run> order = new ArrayList<>(group);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Run run : order) {
                    BenchmarkBackend b = BenchmarkBackends.named(backendFor(run.file()));
                    BenchmarkRequest request = new BenchmarkRequest(run.file(), run.batch(), shapeMap, values,
                            timing, threads);
                    BenchmarkResult result = b.run(request);
                    LayerProfile profile = profiling() ? b.profileLayers(request) : null;
                    if (textReport()) {
                        out.println("== " + run.file() + " [" + b.name() + "] " + BenchShapes.text(result.shapes())
                                + ", inputs " + result.inputs()
                                + (rounds > 1 ? ", round " + (round + 1) + " of " + rounds : ""));
                        PerformanceReportText.lines(result.report()).forEach(line -> out.println("  " + line));
                        if (dumpProfile) {
                            LayerProfileText.lines(profile, "ONNX Runtime's profiler", SLOWEST_LAYERS)
                                    .forEach(line -> out.println("  " + line));
                        }
                        out.flush();
                    }
                    if (exportProfile != null) {
                        profiles.put(runs.size() == 1 ? exportProfile
                                : suffixed(exportProfile, run, result.batch()), profile);
                    }
                    if (json != null) {
                        times.put(runs.size() == 1 ? json : suffixed(json, run, result.batch()), result);
                    }
                    SpeedupTable.Entry entry = new SpeedupTable.Entry(run.model(), run.precision(), result.batch(),
                            result.report().samplesPerSecond());
                    entries.add(entry);
                    sideBySide.add(entry);
                    summaries.add(new BenchmarkSummaryJson.Run(run.model(), run.precision(), result,
                            rounds > 1 ? round + 1 : 0));
                }
            }
        }
        SpeedupTable table = compare.isEmpty() ? null
                : SpeedupTable.of(ComparisonRow.BASELINE, rounds == 1 ? entries : sideBySide.entries());
        writeFiles(times, profiles, table, summaries);
        if (timesOnStdout()) {
            BenchmarkResult only = times.values().iterator().next();
            out.print(TimesJson.toJson(only.measured(), only.report().mode().dataTransfers()));
        } else if (summaryOnStdout()) {
            out.print(BenchmarkSummaryJson.oneLine(summaries, table));
        }
        if (textReport() && table != null) {
            out.println();
            if (rounds > 1) {
                out.println("Median of " + rounds + " interleaved rounds' speedups");
            }
            out.print(SpeedupTableText.markdown(table));
            if (rounds > 1) {
                out.println();
                out.println("Per-round speedup range:");
                sideBySide.spreads().stream().filter(x -> !x.precision().equals(ComparisonRow.BASELINE))
                        .forEach(x -> out.printf(Locale.ROOT, "  %s b%d %s: %.2f (%.2f-%.2f)%n", x.model(),
                                x.batch(), x.precision(), x.median(), x.min(), x.max()));
            }
        }
        out.flush();
        return 0;
    }

    /** Every file at once, after every run succeeded: a late failure leaves none of them behind. */
    private void writeFiles(Map<Path, BenchmarkResult> times, Map<Path, LayerProfile> profiles, SpeedupTable table,
                            List<BenchmarkSummaryJson.Run> summaries) {
        try (AtomicFileSet files = new AtomicFileSet()) {
            profiles.forEach((f, p) -> files.writeString(f, LayerProfileJson.toJson(p)));
            if (!timesOnStdout()) {
                times.forEach((f, r) -> files.writeString(f,
                        TimesJson.toJson(r.measured(), r.report().mode().dataTransfers())));
            }
            if (table != null) {
                stageIfAsked(files, markdown, SpeedupTableText.markdown(table));
                stageIfAsked(files, csv, SpeedupTableText.csv(table));
                stageIfAsked(files, tableJson, SpeedupTableText.json(table));
            }
            if (summaryJson != null && !summaryOnStdout()) {
                stageIfAsked(files, Path.of(summaryJson), BenchmarkSummaryJson.of(summaries, table));
            }
            files.commit();
        }
    }

    /**
     * Refuses a comparison row whose files would run at different batches (each file's own fixed batch, without
     * {@code --batch}): each would sit in a column of its own beside no baseline, and the table would be empty.
     * Engines whose batch only loading tells (planned 0) are not judged here.
     */
    private void requireComparableBatches(List<Run> runs, Map<Run, Integer> plannedBatches) {
        for (List<Run> group : groups(runs)) {
            Map<Integer, Run> byBatch = new java.util.LinkedHashMap<>();
            group.stream().filter(r -> plannedBatches.get(r) > 0).forEach(r -> byBatch.putIfAbsent(
                    plannedBatches.get(r), r));
            if (group.get(0).precision().isEmpty() || byBatch.size() < 2) {
                continue;
            }
            String batches = byBatch.entrySet().stream().map(e -> e.getValue().precision() + " at batch "
                    + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
            throw new InvalidOptionException("--compare model=" + group.get(0).model() + ": the files run " + batches
                    + ", so no speedup can be computed; give --batch (or --shapes) that every file takes");
        }
    }

    /** The runs of each model and batch size, which {@link #plan} lists next to each other. */
    private static List<List<Run>> groups(List<Run> runs) {
        List<List<Run>> groups = new ArrayList<>();
        for (Run run : runs) {
            List<Run> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last.get(0).model().equals(run.model()) && last.get(0).batch() == run.batch()) {
                last.add(run);
            } else {
                groups.add(new ArrayList<>(List.of(run)));
            }
        }
        return groups;
    }

    private boolean profiling() {
        return dumpProfile || exportProfile != null;
    }

    /**
     * The profiling options, refused before anything is timed where a run's backend has no per-layer profile (the
     * tensorrt backend has none: {@code org.bytedeco:tensorrt:10.15-1.5.13} maps {@code IProfiler} without the
     * virtual methods a Java subclass needs, unlike {@code ILogger}), where rounds would profile each file again and
     * again, and where stdout carries JSON that a printed profile would break.
     */
    private void requireProfilingBackend(List<Run> runs) {
        if (!profiling()) {
            return;
        }
        String option = dumpProfile ? "--dump-profile" : "--export-profile";
        if (rounds > 1) {
            throw new ParameterException(spec.commandLine(), option + " profiles each run once; it cannot be used "
                    + "with --rounds");
        }
        if (dumpProfile && !textReport()) {
            throw new ParameterException(spec.commandLine(), "--dump-profile prints with the text report, which "
                    + (summaryOnStdout() ? "--summary-json -" : "--json -") + " replaces; write the profile with "
                    + "--export-profile FILE instead");
        }
        for (Run run : runs) {
            String runsOn = backendFor(run.file());
            if (!runsOn.equals("onnxruntime")) {
                throw new ParameterException(spec.commandLine(), option + " needs the onnxruntime backend (JavaCPP's "
                        + "TensorRT 10.15 presets give Java no IProfiler to implement); " + run.file() + " runs on "
                        + runsOn);
            }
        }
    }

    private boolean summaryOnStdout() {
        return "-".equals(summaryJson);
    }

    private boolean timesOnStdout() {
        return json != null && json.toString().equals("-");
    }

    /** Whether stdout carries the text report, not one of the JSON documents that replace it. */
    private boolean textReport() {
        return !summaryOnStdout() && !timesOnStdout();
    }

    private List<Run> plan() {
        if ((file == null) == compare.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either ENGINE|MODEL or --compare");
        }
        if (compare.isEmpty() && (markdown != null || csv != null || tableJson != null)) {
            throw new ParameterException(spec.commandLine(), "--markdown, --csv and --table-json need --compare");
        }
        if (rounds > 1 && compare.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--rounds needs --compare");
        }
        if (rounds > 1 && json != null) {
            throw new ParameterException(spec.commandLine(), "--json writes one run per file; it cannot be used with "
                    + "--rounds");
        }
        if (timesOnStdout() && summaryOnStdout()) {
            throw new ParameterException(spec.commandLine(), "--json - and --summary-json - both print on stdout; "
                    + "give one of them a FILE");
        }
        List<Integer> sizes = batches.isEmpty() ? List.of(0) : batches;
        List<Run> runs = new ArrayList<>();
        if (file != null) {
            sizes.forEach(b -> runs.add(new Run(file.toString(), "", file, b)));
            return requireOneRunOnStdout(runs);
        }
        Set<String> models = new HashSet<>();
        for (String c : compare) {
            ComparisonRow row = ComparisonRow.parse(c);
            if (!models.add(row.model())) {
                throw new ParameterException(spec.commandLine(), "--compare: model '" + row.model() + "' is given in "
                        + "two rows; name each row with model=NAME");
            }
            for (int b : sizes) {
                row.files().forEach((precision, f) -> runs.add(new Run(row.model(), precision, f, b)));
            }
        }
        return requireOneRunOnStdout(runs);
    }

    /** stdout holds one JSON array: the per-query times of several runs need a file each. */
    private List<Run> requireOneRunOnStdout(List<Run> runs) {
        if (timesOnStdout() && runs.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--json - prints the times of a single run; these "
                    + "options make " + runs.size() + " runs: give a FILE for one file per run");
        }
        return runs;
    }

    /**
     * The TensorRT switches, refused where another backend runs: ONNX Runtime would ignore them, and the numbers
     * would read as if they applied.
     */
    private void requireTensorRtForItsOptions(List<Run> runs) {
        Map<String, Boolean> switches = new LinkedHashMap<>();
        switches.put("--no-cuda-graph", noCudaGraph);
        switches.put("--no-spin-wait", noSpinWait);
        switches.put("--include-transfers", includeTransfers);
        switches.put("--one-at-a-time", oneAtATime);
        for (Map.Entry<String, Boolean> option : switches.entrySet()) {
            if (!option.getValue()) {
                continue;
            }
            for (Run run : runs) {
                String runsOn = backendFor(run.file());
                if (!runsOn.equals("tensorrt")) {
                    throw new ParameterException(spec.commandLine(), option.getKey() + " applies to TensorRT only; "
                            + run.file() + " runs on " + runsOn);
                }
            }
        }
    }

    /**
     * Each numeric option on its own, so the message names the option given. Batch 0 is refused here because
     * further down it means "no --batch" and would quietly time batch 1.
     */
    private void validateNumbers() {
        for (int b : batches) {
            requireAtLeast("--batch", b, 1);
        }
        OptionValues.requireEachOnce("--batch", batches, "batch size");
        requireAtLeast("--threads", threads, 0);
        requireAtLeast("--warmup-iterations", warmUpQueries, 0);
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--rounds", rounds, 1);
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new ParameterException(spec.commandLine(), "--percentiles must be in [0, 100], got "
                        + OptionValues.plain(p));
            }
        }
        OptionValues.requireEachOnce("--percentiles", percentiles.stream().map(OptionValues::plain).toList(),
                "percentile");
        requireFiniteNotNegative("--warmup", warmUpMs, 1e6);
        requireFiniteNotNegative("--duration", durationS, 1e9);
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

    /**
     * Checks what can be checked without timing anything, so a bad file fails before minutes of timing.
     *
     * @return the batch the run will have, which names its {@code --json} file; 0 for an engine whose batch only
     * loading it tells (no sidecar profile, or profiled inputs whose first dimensions differ)
     */
    private int preflight(Run run, Map<String, long[]> shapeMap, Map<Path, PreflightFacts> models,
                          BenchInputs values) {
        boolean onTensorRt = backendFor(run.file()).equals("tensorrt");
        if (onTensorRt != isEngine(run.file()) && backend != null && nameSaysItsKind(run.file())) {
            // the name says which kind of file it is; say that, not what the other backend's reader makes of it
            throw new InvalidOptionException(run.file() + (onTensorRt
                    ? ": an ONNX model, and --backend tensorrt runs TensorRT engines; build one (trt4j build) or "
                    + "drop --backend"
                    : ": a TensorRT engine, and --backend " + backend + " runs ONNX models; drop --backend"));
        }
        if (!isEngine(run.file())) {
            OnnxModel.requireFile(run.file()); // in the words every command uses for a model
        } else {
            // an empty, text or ONNX file named .engine is found here, not by TensorRT after the GPU is up
            EngineFileCheck.check(run.file());
        }
        if (backendFor(run.file()).equals("tensorrt")) {
            Optional<EngineSidecar> sidecar = EngineSidecarFile.read(run.file());
            // the shapes and batch limits below are the sidecar's, so it must still describe this engine
            sidecar.ifPresent(s -> EngineFileCheck.requireSidecarMatches(run.file(), s));
            Map<String, long[]> planned = sidecar
                    .map(s -> EngineShapeCheck.checkRequest(run.file(), s, run.batch(), shapeMap)).orElse(Map.of());
            if (run.batch() > 0) {
                return run.batch();
            }
            // the engine's own input order decides otherwise, which only loading it tells
            Set<Long> firstDims = new HashSet<>();
            planned.values().stream().filter(d -> d.length > 0).forEach(d -> firstDims.add(d[0]));
            return firstDims.size() == 1 ? firstDims.iterator().next().intValue() : 0;
        }
        // A shape that fits the first model of a comparison but not a later one fails here, not after minutes
        // of timing.
        PreflightFacts model = models.computeIfAbsent(run.file(), PreflightFacts::of);
        Map<String, long[]> resolved = BenchShapes.resolve(run.file().toString(), model.inputs(), run.batch(),
                shapeMap);
        if (shapeMap.containsKey("input_ids")) {
            requireSequenceFitsPositions(run.file(), model.positions(), resolved);
        }
        if (values instanceof BenchInputs.FromData) {
            requireBatchFirst(run.file(), model.inputs());
            // too few samples for --batch 8 must not show after batch 1 was timed in full: one batch read now
            values.create(model.inputs(), resolved);
        }
        return BenchShapes.batch(model.inputs(), resolved);
    }

    /**
     * Without {@code --shapes}, the shapes of the arrays {@code --inputs} names (an {@code .npz}'s by input name, an
     * {@code .npy}'s for a model of one input) with a batch of 1 (or the model's fixed batch), which {@code --batch} changes as it changes any
     * shape: the first ONNX model of the run says which inputs there are. Empty for other inputs and for engines,
     * whose profiles say their shapes.
     */
    private Map<String, long[]> shapesOfDataArrays(List<Run> runs, Map<Path, PreflightFacts> models) {
        if (inputs.equals("random") || inputs.equals("zeros")) {
            return Map.of();
        }
        Map<String, long[]> arrays = ArrayShapes.of(Path.of(inputs));
        Optional<Run> onnx = runs.stream().filter(r -> !backendFor(r.file()).equals("tensorrt")
                && Files.isRegularFile(r.file())).findFirst();
        if (arrays.isEmpty() || onnx.isEmpty()) {
            return Map.of();
        }
        List<TensorSpec> modelInputs = models.computeIfAbsent(onnx.get().file(), PreflightFacts::of).inputs();
        requireBatchFirst(onnx.get().file(), modelInputs);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorSpec in : modelInputs) {
            long[] shape = arrays.containsKey(in.name()) ? arrays.get(in.name())
                    : modelInputs.size() == 1 ? arrays.get(ArrayShapes.UNNAMED) : null;
            if (shape != null && shape.length > 0) {
                long[] one = shape.clone();
                // a batch of 1, or of the model's own where its batch is fixed
                one[0] = in.dims().length > 0 && in.dims()[0] > 0 ? in.dims()[0] : 1;
                shapes.put(in.name(), one);
            }
        }
        return shapes;
    }

    /**
     * Data files give samples along each input's first dimension; an input whose first dimension is fixed beside
     * inputs with an open one holds its batch elsewhere (a recurrent state {@code [2, N, 64]}), and its array cannot
     * be batched as the others are.
     *
     * @throws InvalidOptionException naming the input, for such a model with {@code --inputs DATA}
     */
    private void requireBatchFirst(Path file, List<TensorSpec> modelInputs) {
        boolean openBatch = BenchShapes.hasOpenBatch(modelInputs);
        modelInputs.stream().filter(in -> openBatch && in.dims().length > 0 && in.dims()[0] >= 0).findFirst()
                .ifPresent(in -> {
                    throw new InvalidOptionException(file + ": --inputs " + inputs + " gives each input its samples "
                            + "along its first dimension, but input '" + in.name() + "' " + in.shapeText()
                            + " holds its batch elsewhere (a recurrent state); time it with --inputs random or zeros");
                });
    }

    /**
     * What preflight needs of a model, kept for each file of a comparison instead of the model itself, whose weights
     * would otherwise stay in memory through every timed run.
     */
    private record PreflightFacts(List<TensorSpec> inputs, Optional<PositionTable> positions) {
        static PreflightFacts of(Path file) {
            OnnxModel model = OnnxModel.load(file);
            return new PreflightFacts(model.inputs(), PositionTable.find(model.proto().getGraph()));
        }
    }

    /**
     * A token input ({@code input_ids} [batch, length]) given by {@code --shapes} longer than the model's position
     * table (see {@link PositionTable}) would fail in ONNX Runtime with a broadcast error deep in the graph: a usage
     * error here.
     */
    private static void requireSequenceFitsPositions(Path file, Optional<PositionTable> positions,
                                                     Map<String, long[]> shapes) {
        long[] ids = shapes.get("input_ids");
        if (ids == null || ids.length != 2) {
            return;
        }
        positions.ifPresent(t -> t.requireFits(file, "--shapes input_ids:" + BenchShapes.text(ids), ids[1],
                "a sequence length of "));
    }

    /**
     * Every file this run will write can be written, and no two options name the same one, checked before any
     * timing.
     *
     * @param batches each run's batch as {@link #preflight} plans it, which names its {@code --json} file
     */
    private void requireOutputFiles(List<Run> runs, Map<Run, Integer> batches) {
        OutputFiles files = new OutputFiles();
        boolean filePerRun = json != null && !timesOnStdout() && runs.size() > 1;
        if (json != null && !timesOnStdout() && !filePerRun) {
            files.add("--json", json);
        } else if (filePerRun) {
            runs.stream().filter(r -> batches.get(r) > 0)
                    .forEach(r -> files.add("--json", suffixed(json, r, batches.get(r))));
        }
        boolean profilePerRun = exportProfile != null && runs.size() > 1;
        if (exportProfile != null && !profilePerRun) {
            files.add("--export-profile", exportProfile);
        } else if (profilePerRun) {
            runs.stream().filter(r -> batches.get(r) > 0)
                    .forEach(r -> files.add("--export-profile", suffixed(exportProfile, r, batches.get(r))));
        }
        runs.forEach(r -> files.reads(r.file().equals(file) ? "the file timed" : "a --compare file", r.file()));
        files.reads("--inputs", inputs.equals("random") || inputs.equals("zeros") ? null : Path.of(inputs))
                .reads("--tokenizer", tokenizer);
        files.add("--markdown", markdown).add("--csv", csv).add("--table-json", tableJson)
                .add("--summary-json", summaryJson == null || summaryOnStdout() ? null : Path.of(summaryJson))
                .check();
        if (filePerRun) {
            // the files go beside FILE, so its folder must take them, and FILE must not be a folder
            AtomicFiles.requireFolderFor(json);
        }
        if (profilePerRun) {
            AtomicFiles.requireFolderFor(exportProfile);
        }
    }

    private String backendFor(Path f) {
        if (backend != null) {
            return backend;
        }
        if (isEngine(f)) {
            return "tensorrt";
        }
        if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return "onnxruntime";
        }
        throw new Trt4jException(f + ": not a .engine, .plan or .onnx file; choose a backend with --backend");
    }

    /** Whether the file's name says what it is: {@code .onnx}, {@code .engine} or {@code .plan}. */
    private static boolean nameSaysItsKind(Path f) {
        return isEngine(f) || f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    private static boolean isEngine(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".engine") || n.endsWith(".plan");
    }

    private TimingSettings timing() {
        try {
            return TimingSettings.builder().warmUpMs(warmUpMs).minWarmUpQueries(warmUpQueries)
                    .minIterations(iterations).durationMs(durationS * 1000).percentiles(percentiles)
                    .cudaGraph(!noCudaGraph).spinWait(!noSpinWait).dataTransfers(includeTransfers)
                    .pipelineDepth(oneAtATime ? 1 : 2).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private BenchInputs inputs() {
        if (tokenizer != null && (inputs.equals("random") || inputs.equals("zeros"))) {
            throw new InvalidOptionException("--tokenizer reads the text that --inputs names, but --inputs is "
                    + inputs);
        }
        if (inputs.isBlank()) {
            // an unset shell variable: Path.of("") is the working folder, which would be read as data
            throw new InvalidOptionException("--inputs is empty; give random, zeros, or the data to feed");
        }
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            // checked whatever the data: an .npz would never read it, and the typo would pass unseen
            throw new Trt4jException(tokenizer + ": no such tokenizer file (--tokenizer)");
        }
        if (!inputs.equals("random") && !inputs.equals("zeros") && !Files.exists(Path.of(inputs))) {
            throw new Trt4jException(inputs + ": no such file or folder (--inputs takes random, zeros, or the data "
                    + "to feed)");
        }
        return switch (inputs) {
            case "random" -> BenchInputs.random(0);
            case "zeros" -> BenchInputs.zeros();
            default -> BenchInputs.fromData(Path.of(inputs), tokenizer);
        };
    }

    private static Path suffixed(Path base, Run run, int batch) {
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".json";
        String label = (run.precision().isEmpty() ? "" : run.model().replaceAll("[^A-Za-z0-9_.-]", "_") + "."
                + run.precision() + ".") + "b" + batch;
        return base.resolveSibling(stem + "." + label + ext);
    }

    private static void stageIfAsked(AtomicFileSet files, Path target, String text) {
        if (target != null) {
            files.writeString(target, text); // a failure names the target, not its hidden temporary file
        }
    }
}
