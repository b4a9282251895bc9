package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Files in any folders that appear together or not at all: each is written to a hidden temporary file beside its
 * target, and {@link #commit()} renames them all into place once every one is written and no target is a folder.
 * Closing without committing removes the temporary files. {@link StagedWrites} does the same for files of one
 * output folder; this is for files that options name one by one.
 *
 * <p>Not thread-safe.
 */
public final class AtomicFileSet implements AutoCloseable {
    /** {@code target} as named (for messages), {@code file} what the rename replaces (a link followed). */
    private record Staged(Path target, Path file, Path temporary) {
    }

    private final List<Staged> staged = new ArrayList<>();
    private final Set<Path> targets = new HashSet<>();
    private final Thread cleanupOnExit;

    /** An empty set. Until {@link #close()}, a JVM shutdown hook removes its temporary files, so close it. */
    public AtomicFileSet() {
        // Ctrl-C between staging and commit must not leave hidden temporary files beside the user's outputs.
        this.cleanupOnExit = new Thread(this::cleanUp, "trt4j-atomic-file-set-cleanup");
        ShutdownCleanup.register(cleanupOnExit);
    }

    /**
     * Where to write the file that {@link #commit()} renames to {@code target}; the target's folder must exist
     * ({@link AtomicFiles#requireFolderFor}).
     *
     * @throws IllegalArgumentException if {@code target} is staged already: two outputs named alike, which
     *                                  commands refuse before any work
     * @throws Trt4jException           if the temporary file cannot be created
     */
    public Path stage(Path target) {
        Path absolute = AtomicFiles.finalTarget(target).normalize();
        if (!targets.add(absolute)) {
            throw new IllegalArgumentException(target + " is staged twice");
        }
        try {
            Path temporary = AtomicFiles.createSibling(absolute.getParent(), absolute.getFileName().toString());
            synchronized (this) {
                staged.add(new Staged(target, absolute, temporary));
            }
            return temporary;
        } catch (IOException e) {
            throw new Trt4jException(target + ": " + AtomicFiles.cannotWriteInto(absolute.getParent(), e), e);
        }
    }

    /**
     * Checks that {@link #commit()} can move every file: each was written and no folder stands where one goes.
     *
     * @throws Trt4jException naming the first target that is a folder (then nothing moves)
     */
    public void requireTargetsFree() {
        for (Staged s : staged) {
            if (!Files.isRegularFile(s.temporary())) {
                throw new IllegalStateException(s.target() + " was staged but not written");
            }
            if (Files.isDirectory(s.file())) {
                throw new Trt4jException(s.target() + ": cannot write: is a folder (nothing was written)");
            }
        }
    }

    /**
     * Renames every staged file into place, after {@link #requireTargetsFree()}.
     *
     * @throws Trt4jException if a target is a folder (nothing moves) or a rename fails
     */
    public void commit() {
        requireTargetsFree();
        for (Staged s : staged) {
            try {
                AtomicFiles.moveIntoPlace(s.temporary(), s.file());
            } catch (IOException e) {
                throw new Trt4jException(s.target() + ": cannot write: " + AtomicFiles.reason(e), e);
            }
        }
    }

    /** Removes the temporary files that were not renamed into place. */
    @Override
    public void close() {
        cleanUp(); // before the hook goes: stopped in between, the hook still removes what is left
        ShutdownCleanup.unregister(cleanupOnExit);
    }

    private synchronized void cleanUp() {
        for (Staged s : staged) {
            try {
                // after a commit the temporary file is the target under its own name: nothing is left to delete
                Files.deleteIfExists(s.temporary());
            } catch (IOException ignored) {
                // best effort: the error that stopped the set is what the user needs to see
            }
        }
    }
}
