package dev.trt4j.cli.command;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.compare.CandidateCorrection;
import dev.trt4j.compare.CandidateEvaluator;
import dev.trt4j.compare.PartialQuantization;
import dev.trt4j.compare.ResultTable;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.compare.SensitivityAnalysis;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.NothingToQuantize;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code trt4j sensitivity}: partial quantization by sensitivity. Ranks the layers by the metric drop when each alone
 * is INT8; with {@code --target}, keeps the most sensitive in FP32 until the model is within target and writes that
 * model and its skip list. With {@code --bias-correction}, every model judged and the model written are
 * bias-corrected, so that the ranking is that of the pipeline "quantize --bias-correction" ships.
 */
@Command(name = "sensitivity", sortOptions = false,
        description = {"Quantizes one layer at a time (every other layer FP32) and ranks the layers by how much the "
                + "task metric drops against FP32 on held-out samples.",
            "With --target, keeps the most sensitive layers in FP32 until the whole model's drop is within target, "
                + "and writes <out>/<model>.partial.int8.onnx with its skip list (<out>/skip-list.txt, and in "
                + "<out>/sensitivity.json with the ranking) and its ranges (<out>/<method>.table.json), from which "
                + "quantize --table with an --exclude per skip-list line writes the same model.",
            "With --bias-correction, every model judged, and the model written, is bias-corrected as quantize "
                + "--bias-correction would correct it."})
public final class SensitivityCommand implements Callable<Integer> {
    private static final int TABLE_ROWS = 15;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--method", paramLabel = "M", defaultValue = "percentile=99.99",
            description = "The one activation calibration method the layers are ranked under: max, entropy, mse, "
                    + "percentile or percentile=P (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--target", paramLabel = "DROP",
            description = "Largest acceptable metric drop against FP32, in the metric's units (0.01 = one point of "
                    + "accuracy).")
    Double target;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: engines/<model>/sensitivity).")
    Path out;

    @Option(names = "--full", description = "Print every layer, not only the " + TABLE_ROWS + " most sensitive.")
    boolean full;

    @Mixin
    BiasCorrectionArguments biasCorrection;

    @Mixin
    QuantizationStudyArguments study;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (target != null && !(target >= 0 && target < Double.POSITIVE_INFINITY)) {
            // an infinite target would write the fully quantized model under the partial model's name
            throw new InvalidOptionException("--target must be a finite drop >= 0, got " + target);
        }
        MethodSpec methodSpec = methodSpec();
        study.requireModelForExternalData(target != null, "--target or --equalize");
        StudiedModel studied = study.load(model);
        Path folder = studied.folder(out, "sensitivity");
        Path partialModel = folder.resolve(studied.stem() + ".partial.int8.onnx");
        // With the ranges beside them, quantize --table and --exclude per skip-list line write the partial model again.
        Path rangesFile = folder.resolve(methodSpec.label() + ".table.json");
        // every file of the folder, before the ranking runs the model: a folder in the way would fail only the commit
        List<String> outputs = new ArrayList<>(List.of("sensitivity.json"));
        if (target != null) {
            // the partial model keeps the FP32 weights of its FP32 layers: about as large as the model
            outputs.addAll(study.modelFileNames(partialModel.getFileName().toString(), studied.onnx()));
            outputs.addAll(List.of("skip-list.txt", rangesFile.getFileName().toString()));
        }
        outputs.addAll(study.savedFileNames(studied));
        study.inputs(studied).addInFolder("--out", folder, outputs).requireNoneIsRead();
        StagedWrites.requireWritable(folder, outputs);
        OnnxModel onnx = studied.onnx();
        QuantizationConfig config = studied.config();
        long calibrationSamples = study.calibrationSamples();
        SampleSplit split = study.split(onnx);
        BiasCorrection.Choice correctBiases = biasCorrection.choice(split, study.feedback(), config);
        var evaluationData = study.evaluationData(split, calibrationSamples, onnx);
        QuantizationStudyArguments.Subject subject = study.subject(studied, split, folder);
        OnnxModel quantized = subject.model();

        ActivationStatistics statistics;
        List<String> tensors = new QdqQuantizer(config).requiredActivationsForAnySubset(quantized.proto());
        NothingToQuantize.check(quantized.path(), quantized.proto(), config, tensors);
        StatisticsOptions collection = study.statisticsOptions().withMaxSamples(calibrationSamples);
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(quantized, tensors, collection);
        try (ProgressReporter bar = json.enabled() ? ProgressReporter.silent()
                : ProgressReporter.start("Collecting statistics", calibrationSamples > 0 ? calibrationSamples : -1)) {
            statistics = collector.collect(() -> split.calibration(calibrationSamples), bar::update);
        }
        CalibrationTable ranges = AmaxTableCalculator.compute(statistics, methodSpec, quantized.path(), collection);
        Map<String, Float> amax = ranges.amaxByTensor();
        CandidateEvaluator evaluator = study.evaluator(onnx);
        // Corrected on the same samples the ranges came from, as compare-calibrators does.
        CandidateCorrection correction = CandidateCorrection.biasCorrection(correctBiases,
                () -> split.calibration(calibrationSamples),
                OrtRunnerOptions.defaults().withIntraOpThreads(study.threads()));
        SensitivityAnalysis analysis = new SensitivityAnalysis(quantized.proto(), amax, config, correction, evaluator,
                evaluationData);
        SensitivityAnalysis.Ranking ranking;
        // one model per layer, each judged on every held-out sample: minutes on a BERT
        try (ProgressReporter bar = json.enabled() ? ProgressReporter.silent()
                : ProgressReporter.start("Ranking layers", analysis.layers().size() + 1)) {
            ranking = analysis.rank(bar::update);
        }
        PartialQuantization partial = null;
        if (target != null) {
            // one model per skip count until the target is met: as long as the ranking on a BERT
            try (ProgressReporter bar = json.enabled() ? ProgressReporter.silent()
                    : ProgressReporter.start("Keeping layers in FP32", Math.max(1, ranking.layers().size() - 1))) {
                partial = analysis.keepWithin(target, ranking, bar::update);
            }
        }

        study.warnIfCalibrationCutShort(spec.commandLine().getParseResult(), statistics.samples());
        study.evaluation.warnIfCutShort(ranking.evaluationSamples());
        var full = ranking.fullyQuantized();
        PoorReferenceWarning.print(spec.commandLine().getErr(), PoorReferenceWarning.of(full.metric(),
                full.reference(), "FP32", "the layers are ranked", Counts.of(ranking.evaluationSamples(),
                        "held-out sample"), () -> PoorReferenceWarning.narrowLineWidth(evaluationData)));
        // the model ranked, as comparison.json names it: with --equalize the skip list is for the equalized one
        SensitivityReport report = new SensitivityReport(quantized.path().getFileName().toString(), quantized.sha256(),
                methodSpec.label(), full.metric(), full.higherIsBetter(), ranking.evaluationData(), full.reference(),
                full.candidate(), ranking.layers(), partial == null ? null : SensitivityReport.Search.of(partial),
                correctBiases, statistics.dataDescription(), statistics.samples(), ranking.evaluationSamples());
        Optional<OnnxModelFile.Written> equalizedFiles;
        OnnxModelFile.Written partialFiles = null;
        try (StagedWrites files = StagedWrites.in(folder)) {
            equalizedFiles = subject.save(files, study.externalData());
            if (partial != null) {
                partialFiles = OnnxModelFile.stage(files, partialModel.getFileName().toString(),
                        partial.model().model(), study.externalData());
                AtomicFiles.writeString(files.stage("skip-list.txt"), skipList(report));
                ranges.write(files.stage(rangesFile.getFileName().toString()));
            }
            report.write(files.stage("sensitivity.json"));
            files.commit();
        }
        noteEarlierOutputs(folder, outputs);
        List<Double> scores = new ArrayList<>(List.of(report.quantizedScore()));
        report.ranking().forEach(l -> scores.add(l.score()));
        NonFiniteScores.warn(spec.commandLine().getErr(), scores, "models judged (all layers INT8, then each layer)");

        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            // sensitivity.json's report, with what the text says beside it: why this metric ranks the layers, and
            // where this run's files went (the last three null without --target)
            var root = report.toJson();
            root.put("metricNote", study.evaluation.noTaskNote(report.metric(), onnx, true).orElse(null));
            var written = root.putObject("written");
            written.put("sensitivityJson", folder.resolve("sensitivity.json").toString());
            written.put("partialModel", partial == null ? null : partialModel.toString());
            written.put("skipList", partial == null ? null : folder.resolve("skip-list.txt").toString());
            written.put("table", partial == null ? null : rangesFile.toString());
            json.print(w, root);
        } else {
            print(w, report, partial, folder, partialModel, rangesFile);
            if (partialFiles != null) {
                ExternalDataOption.note(partialFiles).ifPresent(w::println);
            }
            study.evaluation.noTaskNote(report.metric(), onnx, false)
                    .ifPresent(note -> w.printf(Locale.ROOT, "%nMetric     %s%n", note));
            w.print(subject.describe());
            equalizedFiles.flatMap(ExternalDataOption::note).ifPresent(w::println);
        }
        w.flush();
        return 0;
    }

    /**
     * Names, in one stderr line, the partial models, skip lists and tables an earlier run left in {@code folder} that
     * this run did not rewrite: beside the new sensitivity.json they would pass for its results.
     */
    private void noteEarlierOutputs(Path folder, List<String> written) {
        List<String> left;
        // the folder the files were written to, as the write resolved it: missing/../out names no folder itself
        try (var files = Files.list(FileIdentity.of(folder))) {
            left = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.equals("skip-list.txt") || n.endsWith(".partial.int8.onnx")
                            || n.endsWith(".partial.int8.onnx.data") || n.endsWith(".table.json"))
                    .filter(n -> !written.contains(n)).sorted().toList();
        } catch (IOException e) {
            return; // the results are written; this note is only a courtesy
        }
        if (!left.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + folder + " still holds " + String.join(", ", left) + " of an earlier run, which "
                    + "this run did not write; delete them or use another --out");
            err.flush();
        }
    }

    /**
     * What {@code quantize --exclude} takes, one value a line, to keep the layers in FP32 that the written model keeps:
     * this run's own {@code --exclude} values, which the search never saw, then the layers it kept, most sensitive
     * first.
     */
    private String skipList(SensitivityReport report) {
        StringBuilder s = new StringBuilder();
        excludes().forEach(e -> s.append(e).append('\n'));
        return s.append(report.skipListText()).toString();
    }

    private List<String> excludes() {
        return study.quantization.excludes;
    }

    /**
     * Checked before the model loads. A ranking is made under one method, and calibrate and compare-calibrators
     * take comma lists, so a list here gets its own message instead of "unknown method 'max,entropy'".
     */
    private MethodSpec methodSpec() {
        // percentile=99,9 is one method with a decimal comma, which calibrate names as such; not a list
        MethodSpec.refuseDecimalComma("--method", method);
        if (method.contains(",")) {
            throw new ParameterException(spec.commandLine(), "--method takes one calibration method, got '" + method
                    + "'; run sensitivity once per method, or compare methods with compare-calibrators");
        }
        return MethodSpec.parse("--method", method, CalibrationOptions.defaults());
    }

    private void print(PrintWriter w, SensitivityReport report, PartialQuantization partial, Path folder,
                       Path partialModel, Path rangesFile) {
        ResultTable table = report.rankingTable();
        int rows = full ? table.rows().size() : Math.min(TABLE_ROWS, table.rows().size());
        w.print(new ResultTable(table.title(), table.rowHeader(), table.columns(), table.rows().subList(0, rows),
                table.oneQuantity()).toMarkdown());
        if (rows < table.rows().size()) {
            w.printf(Locale.ROOT, "… %d more layers (--full prints them all)%n", table.rows().size() - rows);
        }
        if (partial != null) {
            // the target as given and a small drop in significant digits: at four decimals a missed target of
            // 0.00001 read "drop 0.0000", as if it had been reached
            w.printf(Locale.ROOT, "%nTarget drop %s: %s with %d of %d layers kept in FP32 (%s %s, drop %s)%n",
                    ResultTable.formatGiven(partial.targetDrop()), partial.reached() ? "reached" : "NOT reached",
                    partial.skipped().size(), report.ranking().size(), ControlCharacters.escape(report.metric()),
                    ResultTable.format(partial.score().candidate()), ResultTable.formatDrop(partial.score().drop()));
            if (!partial.skipped().isEmpty()) {
                // the layers' names come from the model: one line, as the table above shows them
                w.println(ControlCharacters.escape("Kept in FP32: " + String.join(", ", partial.skipped())
                        + (excludes().isEmpty() ? "" : " (and what --exclude names: " + String.join(", ", excludes())
                        + ")")));
            }
            w.printf(Locale.ROOT, "Written: %s, %s, %s%n", partialModel, folder.resolve("skip-list.txt"), rangesFile);
        }
        w.printf(Locale.ROOT, "Written: %s%n", folder.resolve("sensitivity.json"));
    }

}
