package dev.trt4j.evaluate;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.text.KnownLines;
import dev.trt4j.data.text.RenderedTextPageSource;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Optional;

/**
 * Builds the {@link TaskMetric} for a model and its data, by {@link TaskKind} or by recognising the model:
 * <ul>
 *   <li>an {@code input_ids} input → {@link EmbeddingCosine} of {@code last_hidden_state} (else the first float
 *       output of rank 3, else of rank 2), pooled as asked;</li>
 *   <li>an output {@code [N, steps, classes]} where {@code classes} fits the given CTC keys (blank + keys + space),
 *       on text lines of known texts → {@link CtcTextRecognition} against the lines' texts;</li>
 *   <li>an output {@code [N, 2]} on text lines of known directions → {@link ClassificationAccuracy} of the text
 *       direction;</li>
 *   <li>a probability map {@code [N, 1, H, W]} of an image model, on rendered text pages → {@link TextDetection}
 *       of the pages' lines.</li>
 * </ul>
 * Known texts and labels come from {@link KnownLines} (lines rendered from sentences, or the images of a label
 * file), line boxes from a
 * {@link RenderedTextPageSource}.
 */
public final class TaskMetricFactory {
    private static final String TOKEN_OUTPUT = "last_hidden_state";

    private TaskMetricFactory() {
    }

    /**
     * The metric these models and data clearly call for, if any.
     *
     * @param inputs  the reference model's inputs
     * @param outputs the reference model's outputs
     * @param data    the samples (not read)
     * @param ctcKeys a recognizer's keys, or empty
     */
    public static Optional<TaskMetric> detect(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                              CalibrationDataSource data, List<String> ctcKeys) {
        return detect(inputs, outputs, data, ctcKeys, EmbeddingPooling.MEAN);
    }

    /**
     * Like {@link #detect(List, List, CalibrationDataSource, List)}, pooling an embedding model's token vectors with
     * {@code pooling}.
     */
    public static Optional<TaskMetric> detect(List<TensorSpec> inputs, List<TensorSpec> outputs,
                                              CalibrationDataSource data, List<String> ctcKeys,
                                              EmbeddingPooling pooling) {
        if (TextSource.readsTokenIds(inputs)) {
            return embeddingOutput(outputs).map(o -> new EmbeddingCosine(o, pooling));
        }
        if (data instanceof RenderedTextPageSource && TextDetection.mapOutput(inputs, outputs).isPresent()) {
            return Optional.of(create(TaskKind.DETECTION, inputs, outputs, data, ctcKeys));
        }
        if (!(data instanceof KnownLines)) {
            return Optional.empty();
        }
        if (!ctcKeys.isEmpty()) {
            Optional<TensorSpec> ctc = ctcOutput(outputs, ctcKeys);
            if (ctc.isPresent()) {
                return Optional.of(create(TaskKind.CTC, inputs, outputs, data, ctcKeys));
            }
        }
        if (directionOutput(outputs).isPresent()) {
            return Optional.of(create(TaskKind.CLASSIFICATION, inputs, outputs, data, ctcKeys));
        }
        return Optional.empty();
    }

    /**
     * The metric of {@code kind} for these models and data.
     *
     * @throws InvalidOptionException if the model has no output the metric can use, or the data lacks the known texts
     *                                or labels it needs, or (CTC) no keys were given: the task asked for does not fit
     */
    public static TaskMetric create(TaskKind kind, List<TensorSpec> inputs, List<TensorSpec> outputs,
                                    CalibrationDataSource data, List<String> ctcKeys) {
        return create(kind, inputs, outputs, data, ctcKeys, EmbeddingPooling.MEAN);
    }

    /**
     * Like {@link #create(TaskKind, List, List, CalibrationDataSource, List)}, pooling an embedding model's token
     * vectors with {@code pooling}.
     */
    public static TaskMetric create(TaskKind kind, List<TensorSpec> inputs, List<TensorSpec> outputs,
                                    CalibrationDataSource data, List<String> ctcKeys, EmbeddingPooling pooling) {
        return switch (kind) {
            case EMBEDDING -> new EmbeddingCosine(embeddingOutput(outputs).orElseThrow(() -> new InvalidOptionException(
                    "task embedding: the model has no float output [N,tokens,dims] or [N,dims] to pool")), pooling);
            case CTC -> {
                if (ctcKeys.isEmpty()) {
                    throw new InvalidOptionException("task ctc needs the recognizer's keys file (--keys)");
                }
                TensorSpec out = ctcOutput(outputs, ctcKeys).orElseThrow(() -> new InvalidOptionException(
                        "task ctc: the model has no output [N,steps," + (ctcKeys.size() + 2) + "] (blank + "
                                + ctcKeys.size() + " keys + space); its outputs are " + shapes(outputs)));
                yield new CtcTextRecognition(out.name(), new CtcGreedyDecoder(ctcKeys),
                        renderedLines(data, kind).texts());
            }
            case CLASSIFICATION -> {
                TensorSpec out = directionOutput(outputs).orElseThrow(() -> new InvalidOptionException(
                        "task classification: the model has no output [N,2] of text-direction scores; its outputs are "
                        + shapes(outputs)));
                yield ClassificationAccuracy.ofTextDirection(out.name(), renderedLines(data, kind).labels());
            }
            case DETECTION -> {
                TensorSpec out = TextDetection.mapOutput(inputs, outputs).orElseThrow(() -> new InvalidOptionException(
                        "task detection: the model has no image input [N,3,H,W] and probability-map output "
                                + "[N,1,H,W]; its outputs are " + shapes(outputs)));
                if (!(data instanceof RenderedTextPageSource pages)) {
                    throw new InvalidOptionException("task detection needs samples with known line boxes (text pages "
                            + "rendered from sentences), but the data is " + data.describe());
                }
                yield new TextDetection(out.name(), pages.boxes(), TextRegions.PADDLE_OCR);
            }
        };
    }

    private static KnownLines renderedLines(CalibrationDataSource data, TaskKind kind) {
        if (data instanceof KnownLines lines) {
            return lines;
        }
        throw new InvalidOptionException("task " + kind.label() + " needs samples with known "
                + (kind == TaskKind.CTC ? "texts" : "labels") + " (text lines rendered from sentences, or images "
                + "listed with their " + (kind == TaskKind.CTC ? "texts" : "labels") + " in a label file such as "
                + "PaddleOCR's rec_gt.txt), but the data is " + data.describe());
    }

    private static Optional<String> embeddingOutput(List<TensorSpec> outputs) {
        List<TensorSpec> floats = outputs.stream().filter(o -> o.type() == ElementType.FLOAT32
                || o.type() == ElementType.FLOAT16).toList();
        return floats.stream().filter(o -> o.name().equals(TOKEN_OUTPUT)).findFirst()
                .or(() -> floats.stream().filter(o -> o.dims().length == 3).findFirst())
                .or(() -> floats.stream().filter(o -> o.dims().length == 2).findFirst())
                .map(TensorSpec::name);
    }

    private static Optional<TensorSpec> ctcOutput(List<TensorSpec> outputs, List<String> keys) {
        return outputs.stream().filter(o -> o.dims().length == 3 && o.dims()[2] == keys.size() + 2L).findFirst();
    }

    private static Optional<TensorSpec> directionOutput(List<TensorSpec> outputs) {
        return outputs.stream().filter(o -> o.dims().length == 2 && o.dims()[1] == 2).findFirst();
    }

    private static String shapes(List<TensorSpec> outputs) {
        return outputs.stream().map(o -> o.name() + " " + o.shapeText()).toList().toString();
    }
}
