package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which file a path names, for the checks that an output does not replace an input or another output: every
 * spelling of one file ({@code m.onnx}, {@code ./dir/../m.onnx}, a symbolic link to it, a path through a linked
 * folder) gives one identity, whether or not the file exists yet. A write follows a link to its file
 * ({@link AtomicFiles}), so a link is the file it points to here too; writes and checks resolve paths here, so
 * they agree on where a path lands.
 */
public final class FileIdentity {
    /** As many links as the operating system follows before it gives up (Linux's limit). */
    private static final int MAX_LINKS = 40;

    private FileIdentity() {
    }

    /**
     * The file {@code path} names, as {@link #landing} finds it; where the file system cannot tell (a link loop, an
     * unreadable link), the absolute normalized path.
     */
    public static Path of(Path path) {
        try {
            return landing(path);
        } catch (Trt4jException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** Whether {@code a} and {@code b} name one file, existing or not. */
    public static boolean same(Path a, Path b) {
        return of(a).equals(of(b));
    }

    /**
     * The file a write to {@code target} lands in, as an absolute path: symbolic links are followed (a dangling one
     * to the file it would create), and the folders on the way are resolved as the kernel resolves them: a text-only
     * clean-up would take {@code LINK/../m.onnx} for {@code ./m.onnx}, a file the path does not name.
     *
     * @throws Trt4jException on a link loop or a link that cannot be read
     */
    static Path landing(Path target) {
        Path path = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(path); hops++) {
            if (hops == MAX_LINKS) {
                throw new Trt4jException(target + ": cannot write: too many levels of symbolic links");
            }
            try {
                path = path.getParent().resolve(Files.readSymbolicLink(path));
            } catch (IOException e) {
                throw ReadFailure.of(target, "to follow its symbolic link", e);
            }
        }
        return resolvedFolders(path);
    }

    /**
     * {@code path} with its longest existing ancestor replaced by that folder's real path, then the rest (folders a
     * write would create, which cannot be links) cleaned up as text.
     */
    private static Path resolvedFolders(Path path) {
        Path existing = path.getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException | IllegalArgumentException e) {
            return path.normalize(); // the write then reports what is wrong with the folder
        }
    }
}
