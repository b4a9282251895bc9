package dev.trt4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which file a path names, for the checks that an output does not replace an input or another output: every
 * spelling of one file ({@code m.onnx}, {@code ./dir/../m.onnx}, a symbolic link to it, a path through a linked
 * folder) gives one identity, whether or not the file exists yet. A write follows a link to its file
 * ({@link AtomicFiles}), so a link is the file it points to here too.
 */
public final class FileIdentity {
    /** As many links as the operating system follows before it gives up (Linux's limit). */
    private static final int MAX_LINKS = 40;

    private FileIdentity() {
    }

    /**
     * The file {@code path} names: its real path if it exists; otherwise the real path of the folder it would be
     * written in with its name (through a dangling link, the file the link points to). Never fails: where the file
     * system cannot tell, the absolute normalized path.
     */
    public static Path of(Path path) {
        Path absolute = path.toAbsolutePath();
        for (int hops = 0; hops < MAX_LINKS; hops++) {
            try {
                return absolute.toRealPath();
            } catch (IOException missing) {
                // not there yet, or a dangling link: place it by its folder
            }
            Path parent = absolute.getParent();
            if (parent == null || absolute.getFileName() == null) {
                break;
            }
            try {
                Path file = parent.toRealPath().resolve(absolute.getFileName());
                if (!Files.isSymbolicLink(file)) {
                    return file;
                }
                absolute = file.getParent().resolve(Files.readSymbolicLink(file));
            } catch (IOException unreadable) {
                break;
            }
        }
        return path.toAbsolutePath().normalize();
    }

    /** Whether {@code a} and {@code b} name one file, existing or not. */
    public static boolean same(Path a, Path b) {
        return of(a).equals(of(b));
    }
}
