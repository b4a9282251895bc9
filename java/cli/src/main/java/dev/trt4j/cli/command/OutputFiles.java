package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a command will write, checked before any work: no two options name the same file (one would silently
 * replace the other), none names a file the command reads (through a link or a linked folder too), and each can be
 * written where it is named.
 */
final class OutputFiles {
    private record Named(String role, Path file) {
    }

    private final List<Named> outputs = new ArrayList<>();
    private final List<Named> inputs = new ArrayList<>();

    /** Adds the file that {@code option} names; a null {@code file} (option not given) is skipped. */
    OutputFiles add(String option, Path file) {
        if (file != null) {
            outputs.add(new Named(option, file));
        }
        return this;
    }

    /**
     * Adds a file the command reads, which no output may name; a null {@code file} is skipped.
     *
     * @param role how the message names it, e.g. "the model" or "--inputs"
     */
    OutputFiles reads(String role, Path file) {
        if (file != null) {
            inputs.add(new Named(role, file));
        }
        return this;
    }

    /**
     * @throws InvalidOptionException if two outputs name the same file, or an output names an input (usage errors,
     *                                so checked first)
     * @throws Trt4jException         if a file cannot be written where it is named
     */
    void check() {
        Map<Path, Named> read = new HashMap<>();
        inputs.forEach(i -> read.putIfAbsent(FileIdentity.of(i.file()), i));
        Map<Path, String> seen = new HashMap<>();
        for (Named o : outputs) {
            Path identity = FileIdentity.of(o.file());
            Named input = read.get(identity);
            if (input != null) {
                throw new InvalidOptionException(o.role() + " names " + o.file() + ", which is " + input.role()
                        + " this command reads; write it elsewhere");
            }
            String other = seen.putIfAbsent(identity, o.role());
            if (other != null) {
                throw new InvalidOptionException((other.equals(o.role()) ? o.role() + " names " + o.file()
                        + " for two runs" : other + " and " + o.role() + " both name " + o.file())
                        + "; give each output its own file");
            }
        }
        outputs.forEach(o -> AtomicFiles.requireFolderFor(o.file()));
    }
}
