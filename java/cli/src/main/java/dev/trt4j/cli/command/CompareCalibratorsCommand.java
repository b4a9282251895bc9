package dev.trt4j.cli.command;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.PhaseBars;
import dev.trt4j.compare.CalibratorComparison;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.ComparisonSettings;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.HeldOutSamplesException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code trt4j compare-calibrators}: the quantization literature's table for one model, made by trt4j: one
 * statistics pass, then every calibration method's INT8 model judged against FP32 on held-out samples.
 */
@Command(name = "compare-calibrators", sortOptions = false,
        description = {"Compares activation calibration methods on a model: one statistics pass over the "
                + "calibration samples, then per method its ranges → a Q/DQ INT8 model → the task metric on "
                + "held-out samples, next to FP32's (accuracy for PP-OCR's direction classifier, exact match for "
                + "its recognizer, hmean of the lines its detector finds, mean cosine of sentence embeddings; else "
                + "the output's cosine).",
            "Prints the table as Markdown (--json: one line of JSON) and writes <out>/comparison.json, "
                + "<out>/comparison.md and the statistics and ranges in <out>/calibration (for trt4j report)."})
public final class CompareCalibratorsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier, on text lines "
                    + "rendered from bundled sentences).")
    Path model;

    @Option(names = "--methods", split = ",", paramLabel = "M",
            description = "Methods to compare, as calibrate's --method names them (default: max,entropy,"
                    + "percentile=99.9,percentile=99.99,percentile=99.999,percentile=99.9999,mse).")
    List<String> methods = new ArrayList<>(List.of("max", "entropy", "percentile=99.9", "percentile=99.99",
            "percentile=99.999", "percentile=99.9999", "mse"));

    @Option(names = "--samples-sweep", split = ",", paramLabel = "N",
            description = "Also measure the metric against the number of calibration samples, for example "
                    + "32,64,128,256,512 (statistics collected again for each).")
    List<String> samplesSweep = new ArrayList<>();

    @Option(names = "--weights-study",
            description = "Also compare per-channel and per-tensor weights, with and without BatchNorm folding.")
    boolean weightsStudy;

    @Option(names = "--study-method", paramLabel = "M",
            description = "Activation method of the weights study (default: the best of --methods).")
    String studyMethod;

    @Mixin
    BiasCorrectionArguments biasCorrection;

    @Option(names = "--num-bins", paramLabel = "N", defaultValue = "2048",
            description = "Histogram bins (default ${DEFAULT-VALUE}).")
    int numBins;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: engines/<model>/comparison).")
    Path out;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the Markdown tables to FILE.")
    Path markdown;

    @Mixin
    QuantizationStudyArguments study;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (studyMethod != null && !weightsStudy) {
            throw new InvalidOptionException("--study-method picks the weights study's method: add --weights-study "
                    + "or drop --study-method");
        }
        List<Long> sweep = sampleCounts();
        List<MethodSpec> specs = MethodSpec.parseAll("--methods", OptionValues.asTyped(spec, "--methods", methods),
                CalibrationOptions.defaults());
        // a usage error, so it is found before the model loads, as --methods is
        MethodSpec weightsMethod = studyMethod == null ? null
                : MethodSpec.parse("--study-method", studyMethod, CalibrationOptions.defaults());
        study.requireModelForExternalData(false, "--equalize");
        StudiedModel studied = study.load(model);
        Path folder = studied.folder(out, "comparison");
        if (markdown != null) {
            requireMarkdownOutsideWhatFolderHolds(folder);
            study.inputs(studied).add("--markdown", markdown).check();
        }
        // every file of the folder, before the statistics pass: a folder in the way would fail only the commit
        List<String> outputs = new ArrayList<>(List.of("comparison.json", "comparison.md"));
        outputs.addAll(CalibrationOutputs.fileNames("calibration/", specs.stream().map(MethodSpec::label).toList()));
        outputs.addAll(study.savedFileNames(studied));
        study.inputs(studied).addInFolder("--out", folder, outputs).requireNoneIsRead();
        StagedWrites.requireWritable(folder, outputs);
        OnnxModel onnx = studied.onnx();
        long calibrationSamples = study.calibrationSamples();
        SampleSplit split = study.split(onnx);
        ComparisonSettings settings;
        try {
            settings = new ComparisonSettings(specs, studied.config(),
                    OptionValues.checked(() -> study.statisticsOptions().withNumBins(numBins)),
                            calibrationSamples, sweep,
                    weightsStudy, weightsMethod, biasCorrection.choice(split, study.feedback(), studied.config()));
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(e.getMessage(), e);
        }
        QuantizationStudyArguments.Subject subject = study.subject(studied, split, folder);
        Supplier<CalibrationDataSource> evaluationData;
        try {
            evaluationData = study.evaluationData(split, settings.maxCalibrationSamples(), onnx);
        } catch (HeldOutSamplesException e) {
            if (settings.maxCalibrationSamples() > settings.calibrationSamples()) {
                // --samples is not what took them: lowering it would not help
                throw new Trt4jException(e.describe("the largest --samples-sweep count")
                        + "; sweep to fewer, or give evaluation data (--eval-data)", e);
            }
            throw e;
        }
        CalibratorComparison.Outcome outcome;
        // a bar per phase (statistics, ranges, models, evaluation), as sensitivity shows its steps: one bar for all
        // read 100 % after the statistics, stood still while the ranges were computed, then fell back
        try (PhaseBars bars = PhaseBars.start(!json.enabled())) {
            CalibratorComparison comparison = new CalibratorComparison(subject.model(), settings,
                    study.evaluator(onnx)).withProgress(bars);
            outcome = comparison.run(split::calibration, evaluationData);
        }

        ComparisonReport report = outcome.report();
        study.warnIfCalibrationCutShort(spec.commandLine().getParseResult(), report.calibrationSamples());
        study.evaluation.warnIfCutShort(report.evaluationSamples());
        PoorReferenceWarning.print(spec.commandLine().getErr(), PoorReferenceWarning.of(report.metric(),
                report.methods().rows().get(0).value(0), "FP32", "every method is judged",
                Counts.of(report.evaluationSamples(), "held-out sample"),
                () -> PoorReferenceWarning.narrowLineWidth(evaluationData)));
        String text = report.toMarkdown();
        // All of the folder or none of it: a failure part-way (a full disk) leaves no report without its ranges.
        Optional<OnnxModelFile.Written> equalizedFiles;
        try (StagedWrites files = StagedWrites.in(folder)) {
            equalizedFiles = subject.save(files, study.externalData());
            CalibrationOutputs.stage(files, "calibration/", outcome.statistics(), settings.statistics(),
                    outcome.tables());
            report.write(files.stage("comparison.json"));
            AtomicFiles.writeString(files.stage("comparison.md"), text);
            if (markdown != null) {
                files.writeOutside(markdown, text);
            }
            files.commit();
        }
        if (outcome.statistics() != null) {
            new CalibrationOutputs(folder.resolve("calibration")).staleTablesNotice(outcome.statistics(),
                    outcome.tables().keySet()).ifPresent(notice -> {
                        PrintWriter err = spec.commandLine().getErr();
                        err.println("trt4j: warning: " + notice);
                        err.flush();
                    });
        }
        List<Double> methodScores = report.methods().rows().get(0).values();
        NonFiniteScores.warn(spec.commandLine().getErr(), methodScores.subList(1, methodScores.size()), "methods");
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            // comparison.json's report, with what the text says beside it: why this metric ranks the methods, and
            // where this run's files went
            var root = report.toJson();
            root.put("metricNote", study.evaluation.noTaskNote(report.metric(), onnx, true).orElse(null));
            root.put("bestTable", report.bestMethod().map(best -> folder.resolve("calibration")
                    .resolve(best + ".table.json").toString()).orElse(null));
            var written = root.putObject("written");
            written.put("comparisonJson", folder.resolve("comparison.json").toString());
            written.put("comparisonMarkdown", folder.resolve("comparison.md").toString());
            written.put("markdown", markdown == null ? null : markdown.toString());
            written.put("calibration", folder.resolve("calibration").toString());
            json.print(w, root);
        } else {
            w.print(text);
            study.evaluation.noTaskNote(report.metric(), onnx, false)
                    .ifPresent(note -> w.printf(Locale.ROOT, "%nMetric     %s%n", note));
            w.print(subject.describe());
            equalizedFiles.flatMap(ExternalDataOption::note).ifPresent(w::println);
            report.bestMethod().ifPresent(best -> w.printf(Locale.ROOT, "%nBest: %s; quantize with --table %s%n",
                    best, folder.resolve("calibration").resolve(best + ".table.json")));
            tieNote(report).ifPresent(w::println);
            w.printf(Locale.ROOT,
                    "%nWritten: %s, %s,%s statistics and ranges in %s%n", folder.resolve("comparison.json"),
                    folder.resolve("comparison.md"), markdown == null ? "" : " " + markdown + ",",
                    folder.resolve("calibration"));
        }
        w.flush();
        return 0;
    }

    /**
     * Where the best method shares its score, a line saying so: "Best:" then names the method whose outputs stay
     * closest to FP32's, which the metric did not choose (the detector's hmean at 1.0 for four methods whose
     * cosines ran from 0.925 to 0.99), and samples the metric can tell apart would rank them by the task.
     */
    private static Optional<String> tieNote(ComparisonReport report) {
        List<String> tied = report.tiedForBest();
        if (tied.isEmpty()) {
            return Optional.empty();
        }
        // as the table above prints it, in the decimals that tell its scores apart
        String score = report.methods().cellTexts().get(0).get(report.methods().column(tied.get(0)));
        String names = String.join(", ", tied.subList(0, tied.size() - 1)) + " and " + tied.get(tied.size() - 1);
        String metric = ControlCharacters.escape(report.metric());
        return Optional.of(String.format(Locale.ROOT, "Tie: %s each score %s %s on these %s, so %s was chosen by how "
                + "close its outputs stay to FP32's (SNR, then cosine); more or harder evaluation samples "
                + "(--eval-samples, --eval-data) could let %s tell them apart", names, metric,
                score, Counts.of(report.evaluationSamples(), "held-out sample"), tied.get(0),
                metric));
    }

    /** --markdown on a file of the output folder would replace it, or be replaced by it. */
    private void requireMarkdownOutsideWhatFolderHolds(Path folder) {
        // by identity: a link to the folder's comparison.json is that file
        Path md = FileIdentity.of(markdown);
        Path dir = FileIdentity.of(folder);
        if (md.equals(dir)) {
            throw new InvalidOptionException("--markdown names " + markdown + ", which is --out's folder; give a file");
        }
        if (md.equals(dir.resolve("comparison.json")) || md.equals(dir.resolve("comparison.md"))
                || md.startsWith(dir.resolve("calibration"))) {
            throw new InvalidOptionException("--markdown names " + markdown + ", which --out's folder " + folder
                    + " holds; give another file");
        }
    }

    /** {@code --samples-sweep} parsed here, so a bad entry is reported under the option's name, not as "not a long". */
    private List<Long> sampleCounts() {
        List<Long> counts = new ArrayList<>();
        for (String text : samplesSweep) {
            long n;
            try {
                n = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new ParameterException(spec.commandLine(), "--samples-sweep: expected positive integers, e.g. "
                        + "32,64,128, got '" + text + "'");
            }
            counts.add(n);
        }
        // each count is a row of its own: a repeat costs a statistics pass and prints the row twice
        OptionValues.requireEachOnce("--samples-sweep", counts, "sample count");
        return counts;
    }
}
