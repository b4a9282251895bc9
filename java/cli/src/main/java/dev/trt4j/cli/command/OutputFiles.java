package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a command will write, checked before any work: no two options name the same file (one would silently
 * replace the other), and each can be written where it is named.
 */
final class OutputFiles {
    private record Output(String option, Path file) {
    }

    private final List<Output> outputs = new ArrayList<>();

    /** Adds the file that {@code option} names; a null {@code file} (option not given) is skipped. */
    OutputFiles add(String option, Path file) {
        if (file != null) {
            outputs.add(new Output(option, file));
        }
        return this;
    }

    /**
     * @throws InvalidOptionException if two outputs name the same file (a usage error, so checked first)
     * @throws Trt4jException         if a file cannot be written where it is named
     */
    void check() {
        Map<Path, String> seen = new HashMap<>();
        for (Output o : outputs) {
            String other = seen.putIfAbsent(o.file().toAbsolutePath().normalize(), o.option());
            if (other != null) {
                throw new InvalidOptionException((other.equals(o.option()) ? o.option() + " names " + o.file()
                        + " for two runs" : other + " and " + o.option() + " both name " + o.file())
                        + "; give each output its own file");
            }
        }
        outputs.forEach(o -> AtomicFiles.requireFolderFor(o.file()));
    }
}
