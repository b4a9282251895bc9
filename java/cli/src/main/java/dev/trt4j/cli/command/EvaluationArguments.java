package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.evaluate.EmbeddingPooling;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.TensorSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How commands that judge a model against its reference with ONNX Runtime pick the task metric and run the models:
 * {@code --task}, {@code --keys}, {@code --pooling}, {@code --threads} and {@code --ort-optimizations} (a picocli
 * {@code @Mixin}).
 * A command may word these options for itself in its resource bundle (see {@code EvaluateCommand.properties}).
 */
public final class EvaluationArguments {
    @Option(names = "--task", paramLabel = "T", defaultValue = "auto",
            description = "Task metric: auto, none (output cosine), embedding, ctc, classification or detection; "
                    + "the names reports print (embedding-cosine, ctc-text) work too (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "Keys of a CTC recognizer, one a line (default: PaddleOCR's ppocr_keys_v1.txt when the "
                    + "model has its 6625 classes).")
    Path keys;

    @Option(names = "--pooling", paramLabel = "mean|cls",
            description = "Embedding models: how token vectors become a sentence vector, as the model is read: mean "
                    + "(over the attention mask; sentence-transformers such as MiniLM and e5; the default) or cls "
                    + "(the first token; BGE and other retrieval models).")
    String pooling;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads (default 0: automatic).")
    int threads;

    @Option(names = "--ort-optimizations",
            description = "Let ONNX Runtime fuse Q/DQ into its integer kernels when evaluating: the accuracy of "
                    + "ONNX Runtime on this CPU. Off by default: the Q/DQ arithmetic as written is what TensorRT "
                    + "computes, and ONNX Runtime's x86 integer kernels can read far off it (a test MatMul with "
                    + "per-channel weights: by half).")
    boolean ortOptimizations;

    /** The task metric asked for; empty for {@code auto} (detected from the models) and {@code none}. */
    Optional<TaskKind> taskKind() {
        String name = taskName();
        if (name.equals("auto") || name.equals("none")) {
            return Optional.empty();
        }
        // TaskKind knows only the metrics; this option also takes auto and none
        return Optional.of(TaskKind.find(name).orElseThrow(() -> new InvalidOptionException("--task: unknown task '" + task
                + "'; known: auto, none, " + TaskKind.labels())));
    }

    /** ONNX Runtime's threads per model; 0 lets it choose. */
    int threads() {
        return runnerOptions().intraOpThreads();
    }

    /**
     * How ONNX Runtime runs the models: threads and graph optimisations.
     *
     * @throws InvalidOptionException for a {@code --threads} count outside 0 to {@link OrtRunnerOptions#MAX_THREADS}
     */
    OrtRunnerOptions runnerOptions() {
        return OptionValues.checked(() -> OrtRunnerOptions.defaults().withIntraOpThreads(threads)
                .withGraphOptimizations(ortOptimizations));
    }

    /**
     * The evaluation options for a reference model with {@code inputs} and {@code outputs}, whose CTC keys and
     * embedding pooling they carry.
     *
     * @throws InvalidOptionException if {@code --pooling} is given where the task is not the embedding one
     */
    EvaluationOptions options(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return EvaluationOptions.defaults().withRunnerOptions(runnerOptions())
                .withCtcKeys(RecognizerKeys.choose(keys, outputs)).withDetectTask(taskName().equals("auto"))
                .withPooling(pooling(inputs));
    }

    private EmbeddingPooling pooling(List<TensorSpec> inputs) {
        if (pooling == null) {
            return EmbeddingPooling.MEAN;
        }
        EmbeddingPooling chosen = EmbeddingPooling.find(pooling).orElseThrow(() -> new InvalidOptionException(
                "--pooling: unknown pooling '" + pooling + "'; known: " + EmbeddingPooling.labels()));
        Optional<TaskKind> kind = taskKind();
        boolean embedding = kind.map(k -> k == TaskKind.EMBEDDING)
                .orElse(taskName().equals("auto") && TextSource.readsTokenIds(inputs));
        if (!embedding) {
            throw new InvalidOptionException("--pooling applies to the embedding task, which "
                    + (taskName().equals("auto") ? "is found for models with an input_ids input (give --task "
                    + "embedding for another)" : "--task " + taskName() + " is not"));
        }
        return chosen;
    }

    /** The --task value as given, lower case: auto, none or a task name. */
    String taskName() {
        return task.strip().toLowerCase(Locale.ROOT);
    }
}
