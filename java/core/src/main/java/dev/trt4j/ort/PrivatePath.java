package dev.trt4j.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether native code loaded from a path can only have been put there by this user: the path and every folder above
 * it belong to this user or to root, and none that another user could write to lets them replace an entry (a folder
 * writable by others must be sticky, as {@code /tmp} is), unless a folder above it is this user's and closed to
 * everyone else (no search permission for group or others: {@code ~} at 700), beyond which no one else reaches.
 * Symbolic links on the way are judged by their owner, and so is the folder they lead to. A cache folder of a predictable name in the temporary
 * folder ({@code /tmp/trt4j-xdg-uid1234}) could otherwise be made first by another user, who would then choose the
 * library this user's JVM loads.
 */
final class PrivatePath {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    /** Search (x) permission for group and others: without it, nothing beneath a folder can be reached by them. */
    private static final int GROUP_OR_OTHERS_SEARCH = 0011;
    private static final int STICKY = 01000;

    private PrivatePath() {
    }

    /**
     * Why {@code path} (which may not exist yet: its existing ancestors are judged) is not this user's alone, or
     * empty if it is, or if the file system cannot tell (no POSIX owners, as on Windows).
     */
    static Optional<String> whyNot(Path path) {
        // /proc/self is a link (owned by root) to this process's folder, which belongs to the process's user
        Optional<Integer> uid = attribute(Path.of("/proc/self"), "unix:uid", true);
        if (uid.isEmpty()) {
            return Optional.empty(); // not Linux: no way to tell this process's user ID here
        }
        Path lexical = path.toAbsolutePath().normalize();
        Optional<String> why = judgeChain(lexical, uid.get());
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
            return judgeChain(existing.toRealPath(), uid.get());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Judges {@code start} and its folders from the root down: what a closed folder of this user's holds is private. */
    private static Optional<String> judgeChain(Path start, int uid) {
        List<Path> chain = new ArrayList<>();
        for (Path p = start; p != null; p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path p : chain) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                break; // what does not exist yet will be made by this user, under the folders judged so far
            }
            Optional<Integer> owner = attribute(p, "unix:uid", false);
            Optional<Integer> mode = attribute(p, "unix:mode", false);
            if (owner.isEmpty() || mode.isEmpty()) {
                return Optional.empty();
            }
            if (owner.get() != 0 && owner.get() != uid) {
                return Optional.of(p + " belongs to user ID " + owner.get() + ", not to this user (" + uid + ")");
            }
            if (Files.isSymbolicLink(p)) {
                continue; // a link's own mode means nothing; its owner is judged above, its target in the real path
            }
            boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            if ((mode.get() & GROUP_OR_OTHERS_WRITE) != 0 && (!directory || (mode.get() & STICKY) == 0)) {
                return Optional.of(p + " can be written by other users (mode "
                        + Integer.toOctalString(mode.get() & 07777) + ")");
            }
            if (directory && owner.get() == uid && (mode.get() & GROUP_OR_OTHERS_SEARCH) == 0) {
                return Optional.empty(); // no one else gets past this folder
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
