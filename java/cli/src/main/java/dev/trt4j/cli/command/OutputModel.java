package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;

import java.nio.file.Path;

/** The check every command that writes a model makes first: it never overwrites the model it reads. */
final class OutputModel {
    private OutputModel() {
    }

    /**
     * @param what the kind of model written, e.g. "quantized", for the message
     * @throws Trt4jException if {@code out} names the same file as {@code input}
     */
    static void requireDistinct(Path out, Path input, String what) {
        if (out.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw new Trt4jException(out + ": --out is the input model; write the " + what + " model elsewhere");
        }
    }
}
