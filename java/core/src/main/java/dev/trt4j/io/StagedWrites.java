package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A set of files that appear together or not at all: each is first written to a hidden staging folder inside the
 * target folder, and {@link #commit()} moves them into place once all are written, after checking that no target
 * is in the way (a folder of the same name). Closing without committing removes what was staged, and the target
 * folder too if this set created it and it is still empty.
 *
 * <p>Not thread-safe.
 */
public final class StagedWrites implements AutoCloseable {
    private final Path folder;
    /** The folders {@link #in} created, outermost first: removed again, if still empty, when nothing is committed. */
    private final List<Path> createdFolders;
    private final Path staging;
    private final Map<Path, Path> stagedToTarget = new LinkedHashMap<>();
    private final AtomicFileSet outside = new AtomicFileSet();
    static final String STAGING_PREFIX = ".trt4j-staging-";
    private static final String NAME_A_FOLDER = "name a folder to write into";
    private final Thread cleanupOnExit;
    private volatile boolean committed;

    private StagedWrites(Path folder, List<Path> createdFolders, Path staging) {
        this.folder = folder;
        this.createdFolders = createdFolders;
        this.staging = staging;
        // Ctrl-C while large files are being written (a statistics file can take seconds) must not leave the hidden
        // staging folder behind: the JVM runs this hook on SIGINT/SIGTERM, and close() removes it otherwise.
        this.cleanupOnExit = ShutdownCleanup.hook(this::cleanUp, "trt4j-staged-writes-cleanup");
        ShutdownCleanup.register(cleanupOnExit);
    }

    /**
     * Starts a set of files for {@code folder}, creating it if needed. A symbolic link is followed, as a file's
     * write follows one: a link to a folder that does not exist yet creates that folder.
     *
     * @throws Trt4jException if the folder cannot be created or written, or names a stream ({@code /dev/stdout})
     */
    public static StagedWrites in(Path folder) {
        StreamPaths.refuse(folder, NAME_A_FOLDER);
        Path dir = FileIdentity.landing(folder);
        List<Path> missing = MissingFolders.of(dir);
        InterruptedWrites.warnAboutFolder(dir);
        try {
            Files.createDirectories(dir);
            // Targets keep the folder as the user gave it, so messages and printed paths read as typed.
            Path staging = Files.createTempDirectory(dir, STAGING_PREFIX);
            try {
                return new StagedWrites(folder, missing, staging);
            } catch (Trt4jException interrupted) {
                deleteTree(staging);
                MissingFolders.deleteEmpty(missing);
                throw interrupted;
            }
        } catch (IOException e) {
            MissingFolders.deleteEmpty(missing);
            Path existing = MissingFolders.nearestExisting(dir);
            throw new Trt4jException(folder + ": " + (existing != null && Files.isDirectory(existing)
                    ? AtomicFiles.cannotWriteInto(existing, e) : "cannot write there: " + AtomicFiles.reason(e)), e);
        }
    }

    /**
     * Checks, before long work, that {@link #in} will be able to write into {@code folder}: the folder, or the
     * nearest of its parents that exists, is a folder one may write in. A typo in an output path then fails at once,
     * not after a statistics pass.
     *
     * @throws Trt4jException naming the folder and the reason, in the words {@link #in} would use
     */
    public static void requireWritable(Path folder) {
        StreamPaths.refuse(folder, NAME_A_FOLDER);
        AtomicFiles.requireNamesFit(folder);
        Path existing = MissingFolders.nearestExisting(FileIdentity.landing(folder));
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new Trt4jException(folder + ": cannot write there: " + notAFolder(existing));
        }
        AtomicFiles.requireCreatable(existing, folder);
    }

    /**
     * {@link #requireWritable(Path)}, and that {@link #commit()} will find nothing in the way of {@code fileNames}
     * (as {@link #stage} takes them, e.g. {@code calibration/max.cache}): no folder where one of the files goes, no
     * file where one of their folders goes. Checked before long work, so the run does not end in nothing written.
     *
     * @throws Trt4jException naming the first path in the way
     */
    public static void requireWritable(Path folder, Collection<String> fileNames) {
        requireWritable(folder);
        for (String name : fileNames) {
            Path target = folder.resolve(name);
            AtomicFiles.requireNamesFit(target);
            for (Path dir = target.getParent(); dir != null && !dir.equals(folder); dir = dir.getParent()) {
                if (Files.exists(dir) && !Files.isDirectory(dir)) {
                    throw new Trt4jException(target + ": cannot write there: " + notAFolder(dir));
                }
            }
            if (Files.isDirectory(target)) {
                throw folderInTheWay(target);
            }
        }
    }

    private static Trt4jException folderInTheWay(Path target) {
        return new Trt4jException(target + ": is a folder; cannot write the file there (nothing was written)");
    }

    /**
     * Where to write the file that {@link #commit()} will move to {@code fileName} in the target folder;
     * {@code fileName} may name a subfolder ({@code histograms/001-x.png}).
     */
    public Path stage(String fileName) {
        if (ShutdownCleanup.stopping()) {
            throw ShutdownCleanup.interrupted();
        }
        Path staged = staging.resolve(fileName);
        stagedToTarget.put(staged, folder.resolve(fileName));
        return staged;
    }

    /**
     * Stages {@code text} for {@code target} outside the folder (an option such as {@code --markdown FILE}), which
     * {@link #commit()} moves into place with the folder's files; the target's folder must exist. Errors name the
     * target.
     */
    public void writeOutside(Path target, String text) {
        outside.writeString(target, text);
    }

    /**
     * {@code path} as the user will find it: without the hidden staging folder a staged file is written in
     * ({@code out/.trt4j-staging-123/statistics.json} is {@code out/statistics.json}), so that a failed write names
     * the output, not a folder that is gone once the command stops.
     */
    static Path shownAs(Path path) {
        Path shown = path.getRoot();
        for (Path part : path) {
            if (!part.toString().startsWith(STAGING_PREFIX)) {
                shown = shown == null ? part : shown.resolve(part);
            }
        }
        return shown == null ? path : shown;
    }

    /** Where {@code fileName} will be once committed. */
    public Path target(String fileName) {
        return folder.resolve(fileName);
    }

    /**
     * Moves every staged file into place, those outside the folder with them: all of them or none (the files they
     * replace are moved aside first, and back if a move fails, as {@link AtomicFileSet#commit()} does).
     *
     * @throws Trt4jException if a file was not written, a folder stands where a file goes, or a move fails; the
     *                        targets are then as they were
     */
    public synchronized void commit() {
        for (Map.Entry<Path, Path> e : stagedToTarget.entrySet()) {
            if (!Files.isRegularFile(e.getKey())) {
                if (ShutdownCleanup.stopping()) {
                    throw ShutdownCleanup.interrupted(); // the cleanup hook removed the staging folder
                }
                throw new IllegalStateException(e.getKey().getFileName() + " was staged but not written");
            }
            if (Files.isDirectory(e.getValue())) {
                throw folderInTheWay(e.getValue());
            }
        }
        outside.requireTargetsFree();
        // Each file joins the outside set beside its target, so that one commit replaces everything or nothing: one
        // by one, a file that could not be replaced left the others already new (calibrate's 16-sample statistics
        // beside 8-sample tables).
        for (Map.Entry<Path, Path> e : stagedToTarget.entrySet()) {
            try {
                AtomicFiles.moveIntoPlace(e.getKey(), outside.stage(e.getValue()));
            } catch (IOException ex) {
                throw new Trt4jException(e.getValue() + ": cannot write: " + AtomicFiles.reason(ex), ex);
            }
        }
        outside.commit();
        committed = true;
    }

    /** Removes the staging folder, and on failure an output folder this set created that is still empty. */
    @Override
    public void close() {
        // clean up first, then drop the hook: stopped in between, the hook finishes the job instead of the JVM
        // halting this thread half-way with nothing left to remove the staging folder
        outside.close();
        cleanUp();
        ShutdownCleanup.unregister(cleanupOnExit);
    }

    private synchronized void cleanUp() {
        deleteTree(staging);
        if (!committed) {
            MissingFolders.deleteEmpty(createdFolders);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            List<Path> paths = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
            } catch (IOException | UncheckedIOException movedAway) {
                continue; // a file left the folder while it was walked: walk it again
            }
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort, as above
                }
            }
        }
    }

    /** Why {@code path}, which exists, cannot hold files: a file, or a device such as {@code /dev/null}. */
    private static String notAFolder(Path path) {
        return path + (Files.isRegularFile(path) ? " is a file, not a folder" : " is not a folder");
    }
}
