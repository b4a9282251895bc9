package dev.trt4j.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether native code loaded from a path can only have been put there by this user: the path and every folder above
 * it belong to this user or to root, and none that another user could write to lets them replace an entry (a folder
 * writable by others must be sticky, as {@code /tmp} is). A cache folder of a predictable name in the temporary
 * folder ({@code /tmp/trt4j-xdg-uid1234}) could otherwise be made first by another user, who would then choose the
 * library this user's JVM loads.
 */
final class PrivatePath {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    private PrivatePath() {
    }

    /**
     * Why {@code path} (which may not exist yet: its existing ancestors are judged) is not this user's alone, or
     * empty if it is, or if the file system cannot tell (no POSIX owners, as on Windows).
     */
    static Optional<String> whyNot(Path path) {
        Optional<Integer> self = uid(Path.of("/proc/self"));
        if (self.isEmpty()) {
            return Optional.empty(); // not Linux: no way to tell this process's user ID here
        }
        for (Path p = path.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Optional<Integer> owner = uid(p);
            Optional<Integer> mode = mode(p);
            if (owner.isEmpty() || mode.isEmpty()) {
                return Optional.empty();
            }
            if (owner.get() != 0 && !owner.get().equals(self.get())) {
                return Optional.of(p + " belongs to user ID " + owner.get() + ", not to this user ("
                        + self.get() + ")");
            }
            boolean othersWrite = (mode.get() & GROUP_OR_OTHERS_WRITE) != 0;
            if (othersWrite && (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || (mode.get() & STICKY) == 0)) {
                return Optional.of(p + " can be written by other users (mode "
                        + Integer.toOctalString(mode.get() & 07777) + ")");
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> uid(Path p) {
        return attribute(p, "unix:uid");
    }

    private static Optional<Integer> mode(Path p) {
        return attribute(p, "unix:mode");
    }

    private static Optional<Integer> attribute(Path p, String name) {
        try {
            return Optional.of((Integer) Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException
                 | ClassCastException e) {
            return Optional.empty();
        }
    }
}
