package dev.trt4j.io;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a folder named by an environment variable or a system property ({@code HOME}, {@code XDG_CACHE_HOME},
 * {@code user.home}) the way trt4j trusts one: only as an absolute path. A relative one would put files in whatever
 * the working folder is (Java calls the home of a user ID without an account {@code ?}), and one Java cannot
 * represent (a non-ASCII name under {@code LANG=C}) would fail every later use of it.
 */
public final class AbsolutePaths {
    private AbsolutePaths() {
    }

    /**
     * {@code path} as a {@link Path}, or empty where it is unset, blank, relative, or not representable in the file
     * system's encoding.
     */
    public static Optional<Path> of(String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(path);
            return p.isAbsolute() ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
