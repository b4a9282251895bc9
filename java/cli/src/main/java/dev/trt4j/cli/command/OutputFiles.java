package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a command will write, checked before any work: no two options name the same file (one would silently
 * replace the other), none names a file the command reads (through a link or a linked folder too), and each can be
 * written where it is named.
 */
final class OutputFiles {
    /** An output or an input; {@code folder} is the output folder a file goes into, else null. */
    private record Named(String role, Path file, Path folder) {
        Named(String role, Path file) {
            this(role, file, null);
        }

        /** How the message names this output. */
        String named() {
            return folder == null ? role + " names " + file : role + " " + folder + " would write " + file;
        }
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
     * Adds the files a command writes into the folder {@code option} names, by their names in it (e.g.
     * {@code calibration/max.cache}); a link among them that leads to an input is refused like an option naming it.
     * Only their identities are checked: the folder's own checks are {@code StagedWrites.requireWritable}'s.
     */
    OutputFiles addInFolder(String option, Path folder, Collection<String> fileNames) {
        fileNames.forEach(name -> outputs.add(new Named(option, folder.resolve(name), folder)));
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

    /** The files that options name one by one (not those of an output folder), in the order added. */
    List<Path> files() {
        return outputs.stream().filter(o -> o.folder() == null).map(Named::file).toList();
    }

    /**
     * @throws InvalidOptionException if two outputs name the same file, or an output names an input (usage errors,
     *                                so checked first)
     * @throws Trt4jException         if a file cannot be written where it is named
     */
    void check() {
        requireNoneIsRead();
        outputs.stream().filter(o -> o.folder() == null).forEach(o -> AtomicFiles.requireFolderFor(o.file()));
    }

    /**
     * The identity checks of {@link #check()} alone, for outputs whose folders are checked elsewhere.
     *
     * @throws InvalidOptionException if two outputs name the same file, or an output names an input
     */
    void requireNoneIsRead() {
        Map<Path, Named> read = new HashMap<>();
        inputs.forEach(i -> read.putIfAbsent(FileIdentity.of(i.file()), i));
        Map<Path, Named> seenBy = new HashMap<>();
        for (Named o : outputs) {
            Path identity = FileIdentity.of(o.file());
            Named input = read.get(identity);
            if (input != null) {
                // a file in the output folder can be a link to the model: the write would replace the model
                throw new InvalidOptionException(o.named() + ", which is " + input.role() + " this command reads; "
                        + (o.folder() == null ? "write it elsewhere" : "give another " + o.role()));
            }
            Named other = seenBy.putIfAbsent(identity, o);
            if (other != null) {
                String clash;
                if (other.folder() == null && o.folder() == null) {
                    clash = other.role().equals(o.role()) ? o.role() + " names " + o.file() + " for two runs"
                            : other.role() + " and " + o.role() + " both name " + o.file();
                } else {
                    clash = other.file() + " and " + o.file() + " are one file (a link)"; // one write would undo the other
                }
                throw new InvalidOptionException(clash + "; give each output its own file");
            }
        }
    }
}
