package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.ort.OrtRunnerOptions;
import picocli.CommandLine.Option;

/**
 * {@code --threads} for a command that runs ONNX Runtime over samples as one of its steps (equalize, quantize
 * {@code --bias-correction}, convert {@code --fp16 --data}): without it a user on a shared machine could not keep
 * the step off every core. A picocli mixin.
 */
final class OrtThreadsOption {
    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads for the pass over the samples (default 0: automatic).")
    int threads;

    /**
     * The runner options of that pass.
     *
     * @throws InvalidOptionException for a count outside 0 to {@link OrtRunnerOptions#MAX_THREADS}
     */
    OrtRunnerOptions runnerOptions() {
        return OptionValues.checked(() -> OrtRunnerOptions.defaults().withIntraOpThreads(threads));
    }
}
