package dev.trt4j.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether native code loaded from a path can only have been put there by this user: the path and every folder above
 * it belong to this user or to root, and none that another user could write to lets them replace an entry (a folder
 * writable by others must be sticky, as {@code /tmp} is; a folder writable by its group counts as private when that
 * group is this user's own, as on systems that give each user a group of their own). Symbolic links on the way are
 * judged by their owner, and so is the folder they lead to. A cache folder of a predictable name in the temporary
 * folder ({@code /tmp/trt4j-xdg-uid1234}) could otherwise be made first by another user, who would then choose the
 * library this user's JVM loads.
 */
final class PrivatePath {
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private PrivatePath() {
    }

    /**
     * Why {@code path} (which may not exist yet: its existing ancestors are judged) is not this user's alone, or
     * empty if it is, or if the file system cannot tell (no POSIX owners, as on Windows).
     */
    static Optional<String> whyNot(Path path) {
        // /proc/self is a link (owned by root) to this process's folder, which belongs to the process's user
        Path self = Path.of("/proc/self");
        Optional<Integer> uid = attribute(self, "unix:uid", true);
        Optional<Integer> gid = attribute(self, "unix:gid", true);
        if (uid.isEmpty() || gid.isEmpty()) {
            return Optional.empty(); // not Linux: no way to tell this process's user ID here
        }
        Path lexical = path.toAbsolutePath().normalize();
        Optional<String> why = judgeChain(lexical, uid.get(), gid.get());
        if (why.isPresent()) {
            return why;
        }
        // where the links lead: the folders that are really written
        Path existing = lexical;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.empty();
        }
        try {
            return judgeChain(existing.toRealPath(), uid.get(), gid.get());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> judgeChain(Path start, int uid, int gid) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Optional<Integer> owner = attribute(p, "unix:uid", false);
            Optional<Integer> group = attribute(p, "unix:gid", false);
            Optional<Integer> mode = attribute(p, "unix:mode", false);
            if (owner.isEmpty() || group.isEmpty() || mode.isEmpty()) {
                return Optional.empty();
            }
            if (owner.get() != 0 && owner.get() != uid) {
                return Optional.of(p + " belongs to user ID " + owner.get() + ", not to this user (" + uid + ")");
            }
            if (Files.isSymbolicLink(p)) {
                continue; // a link's own mode means nothing; its owner is judged above, its target in the real path
            }
            boolean groupWrite = (mode.get() & GROUP_WRITE) != 0 && group.get() != gid;
            boolean othersWrite = (mode.get() & OTHERS_WRITE) != 0;
            if ((groupWrite || othersWrite) && (!Files.isDirectory(p) || (mode.get() & STICKY) == 0)) {
                return Optional.of(p + " can be written by other users (mode "
                        + Integer.toOctalString(mode.get() & 07777) + ")");
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> attribute(Path p, String name, boolean followLinks) {
        try {
            return Optional.of((Integer) (followLinks ? Files.getAttribute(p, name)
                    : Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException
                 | ClassCastException e) {
            return Optional.empty();
        }
    }
}
