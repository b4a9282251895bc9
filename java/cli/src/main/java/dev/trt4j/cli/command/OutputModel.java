package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;

import java.nio.file.Files;
import java.nio.file.Path;

/** The check every command that writes a model makes first: it never overwrites the model it reads. */
final class OutputModel {
    private OutputModel() {
    }

    /**
     * Also checks that {@code out} can be written, so a folder given as {@code --out} fails before the work, not
     * after it; missing folders on the way are fine (the write creates them).
     *
     * @param what the kind of model written, e.g. "quantized", for the message
     * @throws Trt4jException if {@code out} names the same file as {@code input} (through a link too), is a folder,
     *                        or lies where no folder can be made
     */
    /** As {@link #requireDistinct(Path, Path, String)}, and {@code out} is neither sample file the command reads. */
    static void requireDistinct(Path out, Path input, String what, DataArguments samples) {
        requireDistinct(out, input, what);
        requireNotRead(out, "--data", samples.data(), what);
        requireNotRead(out, "--tokenizer", samples.tokenizer(), what);
    }

    private static void requireNotRead(Path out, String option, Path read, String what) {
        if (read != null && FileIdentity.same(out, read)) {
            throw new InvalidOptionException(out + ": --out is the " + option + " file; write the " + what
                    + " model elsewhere");
        }
    }

    static void requireDistinct(Path out, Path input, String what) {
        if (FileIdentity.same(out, input)) {
            throw new InvalidOptionException(out + ": --out is the input model; write the " + what + " model elsewhere");
        }
        if (Files.isDirectory(out)) {
            throw new Trt4jException(out + ": cannot write: is a folder");
        }
        StagedWrites.requireWritable(out.toAbsolutePath().getParent());
    }
}
