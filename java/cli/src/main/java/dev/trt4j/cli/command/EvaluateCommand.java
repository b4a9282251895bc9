package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.data.text.KnownLines;
import dev.trt4j.data.text.RenderedTextPageSource;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.evaluate.OutputComparison;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.evaluate.TaskMetric;
import dev.trt4j.evaluate.TaskMetricFactory;
import dev.trt4j.evaluate.TaskResult;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code trt4j evaluate}: runs a reference and a candidate model on the same samples with ONNX Runtime and prints
 * how close every output is, plus the task metric where the model has one.
 */
@Command(name = "evaluate", sortOptions = false, resourceBundle = "dev.trt4j.cli.command.EvaluateCommand",
        description = {"Compares a candidate model (for example INT8 or FP16) with its reference on CPU: per output cosine, "
                + "max absolute and relative error, mean absolute error, SNR and top-1 agreement; and the task metric: "
                + "embeddings → cosine of pooled sentence vectors (--pooling), CTC text recognizer → exact match and "
                + "character error rate, text-direction classifier → accuracy, text detector → precision, recall and "
                + "hmean of the found boxes, their mean IoU and the IoU of the binarised maps. With --feedback, each "
                + "model carries its own state from batch to batch."})
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--reference", required = true, paramLabel = "A.onnx", description = "The reference model.")
    Path reference;

    @Option(names = "--candidate", required = true, paramLabel = "B.onnx", description = "The model to judge.")
    Path candidate;

    @Option(names = "--fp16-emulation", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run a model that computes in FP16 with every FP16 tensor rounded to FP16, as TensorRT "
                    + "stores it (default on). ONNX Runtime's CPU has FP16 kernels for few operators and otherwise "
                    + "computes in FP32 without rounding, which makes FP16 look closer to FP32 than it is.")
    boolean fp16Emulation;

    // Worded for a command that runs two models: EvaluateCommand.properties holds its help for these options.
    @Mixin
    EvaluationArguments evaluation;

    @Mixin
    DataArguments dataArguments;

    @Mixin
    StateFeedbackArguments feedback;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Optional<TaskKind> kind = evaluation.taskKind();
        OrtRunnerOptions runnerOptions = evaluation.runnerOptions();
        EvaluationResult result;
        Optional<OcrModelRole> roleOfReference;
        OptionalInt lineWidth;
        EvaluationOptions opening = EvaluationOptions.defaults().withRunnerOptions(runnerOptions)
                .withEmulateFp16(fp16Emulation);
        dataArguments.requireSequenceLengthFits(reference);
        dataArguments.requireSequenceLengthFits(candidate);
        // ONNX Runtime's session creation takes a minute on graphs of tens of thousands of quantized nodes: a bar
        // shows the time going by instead of a silent terminal (closed once both are open, or by the first error)
        try (ProgressReporter openingBar = json.enabled() ? ProgressReporter.silent()
                : ProgressReporter.start("Opening models", -1);
             OrtModelRunner ref = Evaluator.open(reference, opening);
             OrtModelRunner cand = Evaluator.open(candidate, opening);
             CalibrationDataSource data = openData(ref, cand)) {
            openingBar.close();
            EvaluationOptions options = evaluation.options(ref.inputs(), ref.outputs())
                    .withEmulateFp16(fp16Emulation).withFeedback(feedback.feedback());
            Optional<TaskMetric> metric = kind.map(k -> TaskMetricFactory.create(k, ref.inputs(), ref.outputs(), data,
                    options.ctcKeys(), options.pooling()));
            // rendered samples carry their labels: an OCR model fed them without a metric lacks something else
            // labels its role can use (lines for a line model, pages for a detector): without a metric it lacks
            // something else; other data is why an OCR model has none (a detector fed labelled line crops too)
            Optional<OcrModelRole> role = OcrModelRole.of(ref.inputs(), ref.outputs());
            boolean labelledForRole = role.map(r -> r == OcrModelRole.TEXT_DETECTOR
                    ? data instanceof RenderedTextPageSource : data instanceof KnownLines).orElse(true);
            roleOfReference = labelledForRole ? Optional.empty() : role;
            lineWidth = PoorReferenceWarning.narrowLineWidth(data);
            try (ProgressReporter progress = json.enabled() ? ProgressReporter.silent()
                    : ProgressReporter.start("Evaluating", data.sampleCount().orElse(-1L))) {
                result = Evaluator.evaluate(ref, List.of(cand), data, metric, options.withProgress(progress::update))
                        .get(0);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        // why no task metric was computed, which the text prints and a script must not have to parse out of it
        String noTask = result.taskResult().isEmpty() && evaluation.taskName().equals("auto")
                ? noTaskReason(roleOfReference, json.enabled()) : null;
        if (json.enabled()) {
            ObjectNode root = (ObjectNode) result.toJson();
            root.put("noTaskReason", noTask);
            json.print(w, root);
        } else {
            print(w, result);
            if (noTask != null) {
                w.println();
                w.println("Task       " + noTask);
            }
        }
        warnAboutNonFiniteOutputs(result);
        result.taskResult().ifPresent(t -> PoorReferenceWarning.print(spec.commandLine().getErr(),
                PoorReferenceWarning.of(t.primary(), t.referenceScore(), "the reference", "the candidate is judged",
                        Counts.of(t.samples(), "sample"), () -> lineWidth)));
        // the data ran out before an explicit --samples: said as calibrate and compare-calibrators say it
        dataArguments.fewerSamplesThanAsked(spec.commandLine().getParseResult(), result.samples(),
                "the comparison's figures come").ifPresent(why -> {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("trt4j: warning: " + ControlCharacters.escape(why));
                    err.flush();
                });
        return 0;
    }

    /**
     * Why no task metric was computed: an OCR model fed images has no known labels (only rendered samples have them),
     * which the user should read as that, not as a model of no known kind.
     *
     * @param role   the role of an OCR model fed samples that are not rendered; empty otherwise
     * @param inJson whether the reason is read in JSON, which has no table printed above it to point at
     */
    static String noTaskReason(Optional<OcrModelRole> role, boolean inJson) {
        if (role.isEmpty()) {
            return "none detected: the model is no direction classifier, recognizer, detector or embedding model fed "
                    + "the data it needs (--task names one; a recognizer needs the character list its classes come "
                    + "from, --keys)";
        }
        String needs = switch (role.get()) {
            case DIRECTION_CLASSIFIER -> "its accuracy needs lines whose orientation is known";
            case LINE_READER -> "its accuracy needs lines whose text is known";
            case TEXT_DETECTOR -> "its score needs pages whose text boxes are known";
        };
        String samples = role.get() == OcrModelRole.TEXT_DETECTOR ? "rendered samples have (a .txt of sentences as "
                + "--data, or no --data)" : "rendered samples (a .txt of sentences as --data, or no --data) and a label "
                + "file of images have (a .txt of PATH<TAB>LABEL lines, as PaddleOCR's rec_gt.txt)";
        return "none: the model takes text images, and " + needs + ", which only " + samples + "; "
                + (inJson ? "only the outputs are compared" : "the outputs are compared above");
    }

    /**
     * A NaN in a table of NaNs is easy to read past, and a script reading {@code --json} may not look: an output
     * whose values are not all finite (FP16 overflow, a broken conversion) is named on stderr.
     */
    private void warnAboutNonFiniteOutputs(EvaluationResult result) {
        PrintWriter err = spec.commandLine().getErr();
        for (OutputComparison o : result.outputs()) {
            if (Double.isNaN(o.cosine()) || Double.isNaN(o.maxAbsoluteError())) {
                err.println("trt4j: warning: output '" + ControlCharacters.escape(o.output())
                        + "' holds NaN or infinite values in the reference or the candidate on these samples, so its "
                        + "comparison is no number (an FP16 overflow in the candidate, for example)");
            }
        }
        err.flush();
    }

    /** The samples: see {@link DataArguments#openForEvaluation(List, List)}. */
    private CalibrationDataSource openData(OrtModelRunner ref, OrtModelRunner cand) {
        List<TensorSpec> inputs = new ArrayList<>();
        for (TensorSpec in : ref.inputs()) {
            // both models read the same batches: a size only the candidate fixes (convert --fix-shapes) binds them too
            TensorSpec other = cand.inputs().stream().filter(c -> c.name().equals(in.name())).findFirst().orElse(in);
            long[] dims = in.dims();
            long[] fixed = other.dims();
            for (int i = 0; i < dims.length && fixed.length == dims.length; i++) {
                dims[i] = dims[i] < 0 && fixed[i] >= 0 ? fixed[i] : dims[i];
            }
            inputs.add(new TensorSpec(in.name(), in.type(), dims, in.dimNames()));
        }
        // an input the candidate holds inside (convert --fix-input) shares its sizes with those it fixed: BERT's
        // token_type_ids takes input_ids' sequence length
        Map<String, long[]> fixedShapes = new LinkedHashMap<>();
        inputs.forEach(in -> fixedShapes.put(in.name(), in.dims()));
        SharedDimensions shared = SharedDimensions.of(ref.inputs(), fixedShapes);
        List<TensorSpec> bound = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            TensorSpec in = inputs.get(k);
            long[] dims = shared.bind(ref.inputs().get(k), in.dims());
            bound.add(new TensorSpec(in.name(), in.type(), dims, in.dimNames()));
        }
        return dataArguments.openForEvaluation(feedback.dataInputs(ref.name(), bound, ref.outputs()), ref.outputs());
    }

    private static void print(PrintWriter w, EvaluationResult r) {
        w.printf(Locale.ROOT,
                "Reference  %s%nCandidate  %s%nData       %s, %d samples%n%n", ControlCharacters.escape(r.reference()),
                ControlCharacters.escape(r.candidate()), ControlCharacters.escape(r.data()), r.samples());
        // outputs as ControlCharacters writes them: their names come from the model, and a newline in one would fake
        // a row, an escape sequence would reach the terminal
        int width = Math.max(6, r.outputs().stream().mapToInt(o -> ControlCharacters.escape(o.output()).length())
                .max().orElse(6));
        String row = "%-" + width + "s  %10s  %8s  %11s  %11s  %12s  %7s%n";
        w.printf(Locale.ROOT, row, "output", "cosine", "SNR dB", "max abs err", "max rel err", "mean abs err", "top-1");
        for (OutputComparison o : r.outputs()) {
            w.printf(Locale.ROOT, row, ControlCharacters.escape(o.output()),
                    String.format(Locale.ROOT, "%.6f", o.cosine()),
                    Double.isInfinite(o.snrDb()) ? (o.snrDb() > 0 ? "∞" : "-∞")
                            : String.format(Locale.ROOT, "%.1f", o.snrDb()),
                    sci(o.maxAbsoluteError()), sci(o.maxRelativeError()), sci(o.meanAbsoluteError()),
                    o.top1Agreement() == null ? "-" : String.format(Locale.ROOT, "%.4f", o.top1Agreement()));
        }
        r.taskResult().ifPresent(t -> printTask(w, t));
        w.flush();
    }

    private static void printTask(PrintWriter w, TaskResult t) {
        w.printf(Locale.ROOT, "%nTask %s on %d samples%n", t.task(), t.samples());
        String row = "  %-20s  %10s  %10s  %10s%n";
        w.printf(Locale.ROOT, row, "", "reference", "candidate", "change");
        for (Map.Entry<String, Double> e : t.reference().entrySet()) {
            double ref = e.getValue();
            double cand = t.candidate().get(e.getKey());
            w.printf(Locale.ROOT, row,
                    ControlCharacters.escape(e.getKey()) + (e.getKey().equals(t.primary()) ? " *" : ""),
                    String.format(Locale.ROOT, "%.4f", ref), String.format(Locale.ROOT, "%.4f", cand),
                    String.format(Locale.ROOT, "%+.4f", cand - ref));
        }
        w.printf(Locale.ROOT, "  * the task's main metric (compare-calibrators and sensitivity rank by it)%n");
    }

    private static String sci(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }
}
