package dev.trt4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The folders a write makes on its way to a target, so that a write that fails can take them away again. */
final class MissingFolders {
    private MissingFolders() {
    }

    /**
     * The folders from the nearest one that exists down to {@code folder} (itself included) that do not exist yet,
     * outermost first. A link counts as existing, dangling or not: it is the user's, never one to remove.
     */
    static List<Path> of(Path folder) {
        List<Path> missing = new ArrayList<>();
        for (Path p = folder; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        return missing;
    }

    /** Removes {@code folders} (outermost first) innermost first, each only if it is empty. */
    static void deleteEmpty(List<Path> folders) {
        for (int i = folders.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(folders.get(i));
            } catch (IOException ignored) {
                // not empty, or not ours to remove: best effort, the error that stopped the write is what matters
            }
        }
    }

    /** {@code path} or the nearest of its parents that exists; null if none does. */
    static Path nearestExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }
}
