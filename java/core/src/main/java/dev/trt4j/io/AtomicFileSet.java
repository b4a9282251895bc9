package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files in any folders that appear together or not at all: each is written to a hidden temporary file beside its
 * target, and {@link #commit()} renames them all into place once every one is written and no target is a folder.
 * If a rename fails half-way (an immutable file in the way), the files already renamed are taken back and the
 * previous ones restored. Closing without committing removes the temporary files, and the folders that staging
 * created if they are still empty. {@link StagedWrites} does the same for files of one output folder; this is for
 * files that options name one by one.
 *
 * <p>Not thread-safe.
 */
public final class AtomicFileSet implements AutoCloseable {
    /** {@code target} as named (for messages), {@code file} what the rename replaces (a link followed). */
    private record Staged(Path target, Path file, Path temporary) {
    }

    private final List<Staged> staged = new ArrayList<>();
    private final Set<Path> targets = new HashSet<>();
    /** Folders that {@link #stage} created, outermost first. */
    private final List<Path> createdFolders = new ArrayList<>();
    private final Thread cleanupOnExit;
    private boolean committed;

    /** An empty set. Until {@link #close()}, a JVM shutdown hook removes its temporary files, so close it. */
    public AtomicFileSet() {
        // Ctrl-C between staging and commit must not leave hidden temporary files beside the user's outputs.
        this.cleanupOnExit = ShutdownCleanup.hook(this::cleanUp, "trt4j-atomic-file-set-cleanup");
        ShutdownCleanup.register(cleanupOnExit);
    }

    /**
     * Names, in one warning per folder, the hidden files that a killed run left for any of {@code targets}, for a
     * command that stages its files one at a time over a long run: said before the work, and once, where each
     * {@link #stage} would name its own leftovers only as it comes, one warning per file. Those stages then say
     * nothing more of them.
     *
     * @throws Trt4jException if a target names a stream or a device ({@link AtomicFiles#finalTarget}), which the
     *                        command's output checks refuse first
     */
    public static void warnAboutLeftovers(Collection<Path> targets) {
        InterruptedWrites.warnAboutTargets(targets.stream().map(t -> AtomicFiles.finalTarget(t).normalize()).toList());
    }

    /**
     * Where to write the file that {@link #commit()} renames to {@code target}; missing folders on the way are
     * created (and removed again if the set is closed uncommitted).
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
            synchronized (this) {
                // with the cleanup hook's lock: a file made after it ran would be left behind
                if (ShutdownCleanup.stopping()) {
                    throw ShutdownCleanup.interrupted();
                }
                createFolders(absolute.getParent());
                InterruptedWrites.warnAbout(absolute);
                Path temporary = AtomicFiles.createSibling(absolute.getParent(), absolute.getFileName().toString());
                staged.add(new Staged(target, absolute, temporary));
                return temporary;
            }
        } catch (IOException e) {
            throw new Trt4jException(StagedWrites.shownAs(target) + ": "
                    + AtomicFiles.cannotWriteInto(absolute.getParent(), e), e);
        }
    }

    /**
     * Stages {@code target} and writes its content.
     *
     * @return where the content is until {@link #commit()}
     * @throws Trt4jException naming {@code target} if it cannot be written
     */
    public Path write(Path target, AtomicFiles.ContentWriter writer) {
        Path temporary = stage(target);
        try (OutputStream out = Files.newOutputStream(temporary)) {
            writer.writeTo(out);
        } catch (IOException e) {
            if (ShutdownCleanup.stopping()) {
                throw ShutdownCleanup.interrupted(); // the hook removed the file under the writer
            }
            throw new Trt4jException(StagedWrites.shownAs(target) + ": cannot write: " + AtomicFiles.reason(e), e);
        }
        if (ShutdownCleanup.stopping()) {
            // written again after the hook removed it: this thread removes it, as the hook can no more
            deleteQuietly(temporary);
            throw ShutdownCleanup.interrupted();
        }
        return temporary;
    }

    /** Stages {@code target} with {@code text} as UTF-8; see {@link #write}. */
    public Path writeString(Path target, String text) {
        return write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private synchronized void createFolders(Path folder) throws IOException {
        List<Path> missing = MissingFolders.of(folder);
        Files.createDirectories(folder);
        createdFolders.addAll(missing);
    }

    /**
     * Checks that {@link #commit()} can move every file: each was written and no folder stands where one goes.
     *
     * @throws Trt4jException naming the first target that is a folder (then nothing moves)
     */
    public void requireTargetsFree() {
        for (Staged s : staged) {
            if (!Files.isRegularFile(s.temporary())) {
                if (ShutdownCleanup.stopping()) {
                    throw ShutdownCleanup.interrupted(); // the cleanup hook removed it
                }
                throw new IllegalStateException(s.target() + " was staged but not written");
            }
            if (Files.isDirectory(s.file())) {
                throw new Trt4jException(s.target() + ": cannot write: is a folder (nothing was written)");
            }
        }
    }

    /**
     * Renames every staged file into place, after {@link #requireTargetsFree()}: all of them, or none (the files in
     * the way are moved aside first, and back if a rename fails).
     *
     * @throws Trt4jException if a target is a folder or a rename fails; the targets are then as they were
     */
    public void commit() {
        requireTargetsFree();
        Map<Staged, Path> previous = new LinkedHashMap<>();
        List<Staged> placed = new ArrayList<>();
        Staged current = null;
        boolean movingAside = false;
        try {
            if (staged.size() > 1) {
                movingAside = true;
                for (Staged s : staged) {
                    current = s;
                    if (Files.exists(s.file(), LinkOption.NOFOLLOW_LINKS)) {
                        Path aside = AtomicFiles.createSibling(s.file().getParent(), s.file().getFileName() + ".old");
                        try {
                            AtomicFiles.moveIntoPlace(s.file(), aside);
                        } catch (IOException e) {
                            deleteQuietly(aside);
                            throw e;
                        }
                        previous.put(s, aside);
                    }
                }
                movingAside = false;
            }
            for (Staged s : staged) {
                current = s;
                AtomicFiles.moveIntoPlace(s.temporary(), s.file());
                placed.add(s);
            }
        } catch (IOException e) {
            placed.forEach(s -> deleteQuietly(s.file()));
            previous.forEach((s, aside) -> {
                try {
                    AtomicFiles.moveIntoPlace(aside, s.file());
                } catch (IOException ignored) {
                    // the file stays beside its target under the hidden name; the error below is what matters
                }
            });
            if (movingAside && e instanceof NoSuchFileException) {
                // it existed a moment ago: another process (a second run into the same folder) moved or deleted it
                throw new Trt4jException(current.target() + ": changed by another process while this run replaced "
                        + "its files (another run writing into the same folder?); nothing of this run was written", e);
            }
            throw new Trt4jException(current.target() + ": cannot write: " + AtomicFiles.reason(e), e);
        }
        synchronized (this) {
            committed = true;
        }
        previous.values().forEach(AtomicFileSet::deleteQuietly);
    }

    /** Removes the temporary files that were not renamed into place. */
    @Override
    public void close() {
        cleanUp(); // before the hook goes: stopped in between, the hook still removes what is left
        ShutdownCleanup.unregister(cleanupOnExit);
    }

    private synchronized void cleanUp() {
        // after a commit each temporary file is its target under its own name: nothing is left to delete
        staged.forEach(s -> deleteQuietly(s.temporary()));
        if (!committed) {
            MissingFolders.deleteEmpty(createdFolders);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: the error that stopped the set is what the user needs to see
        }
    }
}
