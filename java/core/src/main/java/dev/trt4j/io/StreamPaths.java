package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths that name an open stream of a process rather than a file: {@code /dev/stdout}, {@code /dev/stderr},
 * {@code /dev/stdin}, {@code /dev/fd/N} and {@code /proc/<pid>/fd/N}. An output is written to a temporary file and
 * renamed over its target, so {@code --out /dev/stdout >> log.txt} followed the links to log.txt and replaced the log
 * with the output, and with a pipe it failed naming a folder of /proc. They are refused by their names, before links
 * are followed: what they resolve to (a log file, a pipe, a terminal) does not show that a stream was meant.
 */
public final class StreamPaths {
    /** As many links as the operating system follows before it gives up (Linux's limit). */
    private static final int MAX_LINKS = 40;
    private static final Pattern STANDARD = Pattern.compile("/dev/std(in|out|err)");
    private static final Pattern DEV_FD = Pattern.compile("/dev/fd/(\\d+)");
    private static final Pattern PROC_FD = Pattern.compile("/proc/(self|thread-self|\\d+)(?:/task/\\d+)?/fd/(\\d+)");
    private static final String STANDARD_OUTPUT = "standard output";

    private StreamPaths() {
    }

    /**
     * Refuses {@code target} if it, or a link on the way to its file, names a stream (see the class comment).
     *
     * @param whatToName what the user should give instead, e.g. "name a file to write"
     * @throws Trt4jException {@code TARGET: cannot write: it names a stream (standard output), ...}
     */
    static void refuse(Path target, String whatToName) {
        stream(target).ifPresent(stream -> {
            throw new Trt4jException(target + ": cannot write: it names a stream (" + stream + "), and trt4j writes "
                    + "files, not streams; " + whatToName);
        });
    }

    /**
     * Whether {@code target} names this process's standard output in any of the spellings {@link #stream} knows
     * ({@code /dev/stdout}, {@code /dev/fd/1}, {@code /proc/self/fd/1}, {@code /dev/../dev/stdout}, a link to one):
     * options that take {@code -} for standard output suggest it for each of them, not for three literal names.
     *
     * @param target a path as the user gave it
     * @return true if writing to it would mean writing to standard output
     */
    public static boolean isStandardOutput(Path target) {
        return stream(target).filter(STANDARD_OUTPUT::equals).isPresent();
    }

    /**
     * The stream {@code target} names, in words ("standard output", "file descriptor 3 of process 812"), if it names
     * one: as given, through a linked folder on the way, or through a chain of links (a link to /dev/stdout), and for
     * a path inside one of them ({@code /dev/stdout/x}, a folder output there).
     */
    static Optional<String> stream(Path target) {
        Path path = target.toAbsolutePath().normalize();
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            Optional<String> named = namedOnTheWay(path);
            if (named.isEmpty()) {
                named = namedOnTheWay(throughRealFolder(path));
            }
            if (named.isPresent() || !Files.isSymbolicLink(path)) {
                return named;
            }
            try {
                path = path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty(); // the write then reports the link
            }
        }
        return Optional.empty(); // a loop, which the write reports
    }

    /** {@code path} or one of its folders as a stream's name, in words. */
    private static Optional<String> namedOnTheWay(Path path) {
        for (Path p = path; p != null; p = p.getParent()) {
            Optional<String> named = named(p.toString());
            if (named.isPresent()) {
                return named;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> named(String path) {
        Matcher standard = STANDARD.matcher(path);
        if (standard.matches()) {
            return Optional.of(standardName(standard.group(1)));
        }
        Matcher devFd = DEV_FD.matcher(path);
        if (devFd.matches()) {
            return Optional.of(descriptor(devFd.group(1)));
        }
        Matcher procFd = PROC_FD.matcher(path);
        if (procFd.matches()) {
            String process = procFd.group(1);
            boolean own = process.equals("self") || process.equals("thread-self")
                    || process.equals(Long.toString(ProcessHandle.current().pid()));
            return Optional.of(own ? descriptor(procFd.group(2))
                    : "file descriptor " + procFd.group(2) + " of process " + process);
        }
        return Optional.empty();
    }

    /** Descriptors 0 to 2 by their names, as a shell user knows them. */
    private static String descriptor(String fd) {
        return switch (fd) {
            case "0" -> standardName("in");
            case "1" -> standardName("out");
            case "2" -> standardName("err");
            default -> "file descriptor " + fd;
        };
    }

    private static String standardName(String which) {
        return switch (which) {
            case "in" -> "standard input";
            case "out" -> STANDARD_OUTPUT;
            default -> "standard error";
        };
    }

    /**
     * {@code path} with its folder replaced by the folder's real path, when the folder exists: a link to
     * {@code /dev/fd} makes {@code LINK/1} a stream too.
     */
    private static Path throughRealFolder(Path path) {
        Path folder = path.getParent();
        if (folder == null || path.getFileName() == null) {
            return path;
        }
        try {
            return folder.toRealPath().resolve(path.getFileName());
        } catch (IOException e) {
            return path;
        }
    }
}
