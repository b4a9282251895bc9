package dev.trt4j.evaluate;

import dev.trt4j.data.StateFeedback;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.Fp16Emulation;
import dev.trt4j.stats.ProgressListener;

import java.util.List;
import java.util.Objects;

/**
 * How {@link Evaluator} runs the models.
 *
 * @param runnerOptions ONNX Runtime session options of both models. The default runs the graphs as written
 *                      (graph optimisations off): a Q/DQ model then quantizes and dequantizes each tensor and
 *                      computes in float, which is the arithmetic TensorRT's INT8 kernels reproduce (int32
 *                      accumulation, no overflow). With optimisations on, ONNX Runtime fuses Q/DQ into its own
 *                      integer kernels, whose x86 variants can saturate intermediate sums and read worse than
 *                      TensorRT will; use that to judge ONNX Runtime deployment on this CPU.
 * @param detectTask    pick a {@link TaskMetric} from the models and the data when none is given (default on)
 * @param ctcKeys       the keys of a CTC text recognizer (a keys file's lines), for detecting and building
 *                      {@link CtcTextRecognition}; empty when unknown
 * @param emulateFp16   run a model file that computes in FP16 through {@link Fp16Emulation}, so that its FP16
 *                      rounding is measured although ONNX Runtime's CPU has FP16 kernels for few operators
 *                      (default on)
 * @param progress      told after every batch
 * @param feedback      the state links of a streaming model ({@link StateFeedback#NONE} for none): each model runs
 *                      the batches as streams, fed its own state outputs from the run before
 * @param pooling       how {@link EmbeddingCosine} makes sentence vectors of token vectors (default
 *                      {@link EmbeddingPooling#MEAN})
 */
public record EvaluationOptions(OrtRunnerOptions runnerOptions, boolean detectTask, List<String> ctcKeys,
                                boolean emulateFp16, ProgressListener progress, StateFeedback feedback,
                                EmbeddingPooling pooling) {
    /**
     * Checks the options and copies the keys.
     *
     * @param runnerOptions ONNX Runtime session options of both models; not null
     * @param detectTask    pick a task metric when none is given
     * @param ctcKeys       a CTC recognizer's keys, empty when unknown; not null (copied)
     * @param emulateFp16   run FP16 model files through {@link Fp16Emulation}
     * @param progress      told after every batch, {@link ProgressListener#NONE} for no one; not null
     * @param feedback      the state links, {@link StateFeedback#NONE} for none; not null
     * @param pooling       how an embedding model's token vectors become sentence vectors; not null
     * @throws NullPointerException if an argument other than a boolean is null, or a key is null
     */
    public EvaluationOptions {
        Objects.requireNonNull(runnerOptions, "runnerOptions");
        ctcKeys = List.copyOf(ctcKeys);
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(pooling, "pooling");
    }

    /**
     * {@return automatic threads, graphs run as written, task detection on, no keys, FP16 emulated, no progress, no
     * state links, mean pooling}
     */
    public static EvaluationOptions defaults() {
        return new EvaluationOptions(OrtRunnerOptions.defaults().withGraphOptimizations(false), true, List.of(),
                true, ProgressListener.NONE, StateFeedback.NONE, EmbeddingPooling.MEAN);
    }

    /**
     * {@return these options with other ONNX Runtime session options}
     *
     * @param options session options of both models; the default is {@link OrtRunnerOptions#defaults()} with graph
     *                optimisations off (see {@link #runnerOptions()}); not null
     * @throws NullPointerException if {@code options} is null
     */
    public EvaluationOptions withRunnerOptions(OrtRunnerOptions options) {
        return new EvaluationOptions(options, detectTask, ctcKeys, emulateFp16, progress, feedback, pooling);
    }

    /**
     * {@return these options with task detection on or off}
     *
     * @param detect true (the default) to pick a {@link TaskMetric} from the models and data when none is given
     */
    public EvaluationOptions withDetectTask(boolean detect) {
        return new EvaluationOptions(runnerOptions, detect, ctcKeys, emulateFp16, progress, feedback, pooling);
    }

    /**
     * {@return these options with a CTC recognizer's keys}
     *
     * @param keys the keys file's lines, empty (the default) when unknown; not null (copied)
     * @throws NullPointerException if {@code keys} or a key is null
     */
    public EvaluationOptions withCtcKeys(List<String> keys) {
        return new EvaluationOptions(runnerOptions, detectTask, keys, emulateFp16, progress, feedback, pooling);
    }

    /**
     * {@return these options with FP16 emulation on or off}
     *
     * @param emulate true (the default) to run FP16 model files through {@link Fp16Emulation}
     */
    public EvaluationOptions withEmulateFp16(boolean emulate) {
        return new EvaluationOptions(runnerOptions, detectTask, ctcKeys, emulate, progress, feedback, pooling);
    }

    /**
     * {@return these options with another progress listener}
     *
     * @param listener told after every batch; {@link ProgressListener#NONE} (the default) for no one, not null
     * @throws NullPointerException if {@code listener} is null
     */
    public EvaluationOptions withProgress(ProgressListener listener) {
        return new EvaluationOptions(runnerOptions, detectTask, ctcKeys, emulateFp16, listener, feedback, pooling);
    }

    /**
     * {@return these options with other state links}
     *
     * @param links the streaming model's state links; {@link StateFeedback#NONE} (the default) for none, not null
     * @throws NullPointerException if {@code links} is null
     */
    public EvaluationOptions withFeedback(StateFeedback links) {
        return new EvaluationOptions(runnerOptions, detectTask, ctcKeys, emulateFp16, progress, links, pooling);
    }

    /**
     * {@return these options with another pooling of an embedding model's token vectors}
     *
     * @param pooling {@link EmbeddingPooling#MEAN} (the default) or {@link EmbeddingPooling#CLS}; not null
     * @throws NullPointerException if {@code pooling} is null
     */
    public EvaluationOptions withPooling(EmbeddingPooling pooling) {
        return new EvaluationOptions(runnerOptions, detectTask, ctcKeys, emulateFp16, progress, feedback, pooling);
    }
}
