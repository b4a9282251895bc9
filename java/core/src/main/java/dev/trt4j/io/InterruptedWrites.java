package dev.trt4j.io;

import dev.trt4j.Counts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hidden files a write killed outright left behind (SIGKILL, an OOM kill, {@code docker kill}: no shutdown hook
 * runs), named in one warning by the next write into the same place. They are not removed: a run writing there at
 * the same moment makes the same kind of files, and an earlier output moved aside before a replacement
 * ({@code .NAME.old.*.tmp}) is the only copy of that file.
 */
final class InterruptedWrites {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedWrites.class);
    /**
     * {@link AtomicFiles#createSibling}'s names: a dot, the target's name, a dot, a random suffix (a long in base 36:
     * 11 to 13 digits but for one in 5,000), {@code .tmp}; a user's own {@code .report.md.tmp} is not taken for one.
     */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.[0-9a-z]{11,13}\\.tmp");
    private static final String OLD = ".old";
    private static final int NAMES_SHOWN = 3;
    /** The warnings given: a command that stages its folder and then a file in it sees the same leftovers twice. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    /** Folders whose every leftover was named: a file's own warning there would repeat some of them. */
    private static final Set<Path> FOLDERS_NAMED = ConcurrentHashMap.newKeySet();
    /** Targets whose leftovers {@link #warnAboutTargets} named before they were staged: staging one repeats them. */
    private static final Set<Path> TARGETS_NAMED = ConcurrentHashMap.newKeySet();

    private InterruptedWrites() {
    }

    /** Warns about every leftover in {@code folder}: temporary files and staging folders. */
    static void warnAboutFolder(Path folder) {
        describe(folder, stem -> true, true).ifPresent(warning -> {
            FOLDERS_NAMED.add(folder.toAbsolutePath().normalize());
            warnOnce(warning);
        });
    }

    /** Warns about the temporary files of {@code target} beside it (its own name, or its name moved aside). */
    static void warnAbout(Path target) {
        Path name = target.getFileName();
        Path folder = target.getParent();
        if (name == null || folder == null) {
            return;
        }
        if (FOLDERS_NAMED.contains(folder.toAbsolutePath().normalize())
                || TARGETS_NAMED.contains(target.toAbsolutePath().normalize())) {
            return;
        }
        String own = name.toString();
        describe(folder, stem -> stem.equals(own) || stem.equals(own + OLD), false)
                .ifPresent(InterruptedWrites::warnOnce);
    }

    /**
     * Warns, in one warning per folder, about the temporary files of every one of {@code targets}, files that a
     * command stages one at a time over a long run: each file's own warning would come late, and one per file.
     *
     * @param targets as {@link AtomicFiles#finalTarget} resolves them (absolute, links followed)
     */
    static void warnAboutTargets(Collection<Path> targets) {
        Map<Path, Set<Path>> byFolder = new LinkedHashMap<>();
        for (Path target : targets) {
            Path absolute = target.toAbsolutePath().normalize();
            if (absolute.getParent() != null && absolute.getFileName() != null) {
                byFolder.computeIfAbsent(absolute.getParent(), f -> new LinkedHashSet<>()).add(absolute);
            }
        }
        byFolder.forEach((folder, inFolder) -> {
            if (FOLDERS_NAMED.contains(folder)) {
                return;
            }
            Set<String> names = new HashSet<>();
            inFolder.forEach(t -> names.add(t.getFileName().toString()));
            Predicate<String> stems = stem -> names.contains(stem)
                    || (stem.endsWith(OLD) && names.contains(stem.substring(0, stem.length() - OLD.length())));
            describe(folder, stems, false).ifPresent(warning -> {
                TARGETS_NAMED.addAll(inFolder);
                warnOnce(warning);
            });
        });
    }

    private static void warnOnce(String warning) {
        if (WARNED.add(warning)) {
            LOG.warn(warning);
        }
    }

    /**
     * The warning for the leftovers in {@code folder} whose target name {@code stems} accepts, if there are any.
     *
     * @param stagingFolders whether {@link StagedWrites}' staging folders count too
     */
    static Optional<String> describe(Path folder, Predicate<String> stems, boolean stagingFolders) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        boolean movedAside = false;
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : entries.sorted().toList()) {
                String file = p.getFileName().toString();
                Matcher m = TEMPORARY.matcher(file);
                if (m.matches() && stems.test(m.group(1)) && Files.isRegularFile(p)) {
                    found.add(p);
                    movedAside |= m.group(1).endsWith(OLD);
                } else if (stagingFolders && file.startsWith(StagedWrites.STAGING_PREFIX) && Files.isDirectory(p)) {
                    found.add(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // a folder that cannot be listed is the write's own error to report
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = found.stream().limit(NAMES_SHOWN)
                .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList();
        long folders = found.stream().filter(Files::isDirectory).count();
        long files = found.size() - folders;
        String what = files > 0 && folders > 0 ? Counts.of(files, "hidden file") + " and "
                + Counts.of(folders, "hidden folder")
                : files > 0 ? Counts.of(files, "hidden file") : Counts.of(folders, "hidden folder");
        return Optional.of(folder + ": holds " + what
                + " (" + megabytes(found) + ") that a killed trt4j run left, or that another run is writing now: "
                + String.join(", ", names) + (found.size() > NAMES_SHOWN ? ", …" : "")
                + "; once no run writes there, delete them"
                + (movedAside ? ", after renaming a .NAME.old.*.tmp back to NAME to recover an earlier file the run "
                + "had moved aside" : ""));
    }

    private static String megabytes(List<Path> paths) {
        long bytes = 0;
        for (Path p : paths) {
            try (Stream<Path> files = Files.walk(p)) {
                bytes += files.filter(Files::isRegularFile).mapToLong(InterruptedWrites::size).sum();
            } catch (IOException | UncheckedIOException e) {
                // the size is a courtesy; the names are what matters
            }
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
