package dev.trt4j.cli.command;

import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.benchmark.BenchmarkSummaryJson;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.timing.LayerProfile;
import dev.trt4j.timing.LayerProfileJson;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;
import dev.trt4j.timing.TimesJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files {@code trt4j bench} writes: checked before anything is timed, and put in place together once every run
 * has succeeded. Each run's own files ({@code --json}, {@code --export-profile}) are written to hidden temporary
 * files as the run ends, so that its per-query traces can be dropped then rather than held to the end of a sweep;
 * {@link #commit} writes the rest and renames them all into place, and {@link #close()} without a commit removes
 * them. Each is null where its option was not given or prints on stdout instead ({@code --json -},
 * {@code --summary-json -}, {@code --markdown -}, {@code --csv -}, {@code --table-json -}: {@link BenchStdout}).
 */
final class BenchOutputFiles implements AutoCloseable {
    private final Path times;
    private final Path profile;
    private final Path markdown;
    private final Path csv;
    private final Path tableJson;
    private final Path summary;
    /** Created with the first staged file: a set registers a shutdown hook, which a refused command need not. */
    private AtomicFileSet staged;

    /**
     * @param times   {@code --json}: the file of a single run, beside which several runs write one each
     * @param profile {@code --export-profile}, named as {@code times} is
     */
    BenchOutputFiles(Path times, Path profile, Path markdown, Path csv, Path tableJson, Path summary) {
        this.times = times;
        this.profile = profile;
        this.markdown = markdown;
        this.csv = csv;
        this.tableJson = tableJson;
        this.summary = summary;
    }

    /**
     * Every file this run will write can be written, and no two options name the same one, checked before any
     * timing; what a killed run left of these files is named then too, in one warning, as the README promises: the
     * runs stage their files one by one as each ends, which would name each file's leftovers late and apart.
     *
     * @param batches each run's batch as {@link BenchPreflight#check} plans it, which names its {@code --json} file
     * @param timed   the ENGINE|MODEL file, or null with {@code --compare}
     * @param inputs  the {@code --inputs} value as given
     */
    void requireWritable(List<BenchRun> runs, Map<BenchRun, Integer> batches, Path timed, String inputs,
                         Path tokenizer) {
        OutputFiles files = new OutputFiles();
        boolean filePerRun = times != null && runs.size() > 1;
        if (times != null && !filePerRun) {
            files.add("--json", times);
        } else if (filePerRun) {
            runs.stream().filter(r -> batches.get(r) > 0)
                    .forEach(r -> files.add("--json", suffixed(times, r, batches.get(r))));
        }
        boolean profilePerRun = profile != null && runs.size() > 1;
        if (profile != null && !profilePerRun) {
            files.add("--export-profile", profile);
        } else if (profilePerRun) {
            runs.stream().filter(r -> batches.get(r) > 0)
                    .forEach(r -> files.add("--export-profile", suffixed(profile, r, batches.get(r))));
        }
        runs.forEach(r -> files.reads(r.file().equals(timed) ? "the file timed" : "a --compare file", r.file()));
        // an engine's sidecar (NAME.engine.json) is read too, and a summary written over it would orphan the engine
        runs.stream().filter(r -> BenchBackendChoice.isEngine(r.file())).map(r -> EngineSidecarFile.pathFor(r.file()))
                .filter(Files::exists).forEach(sidecar -> files.reads("the sidecar of an engine timed", sidecar));
        files.reads("--inputs", inputs.equals("random") || inputs.equals("zeros") ? null : Path.of(inputs))
                .reads("--tokenizer", tokenizer);
        files.add("--markdown", markdown).add("--csv", csv).add("--table-json", tableJson)
                .add("--summary-json", summary)
                .check();
        if (filePerRun) {
            // the files go beside FILE, so its folder must take them, and FILE must not be a folder
            AtomicFiles.requireFolderFor(times);
        }
        if (profilePerRun) {
            AtomicFiles.requireFolderFor(profile);
        }
        AtomicFileSet.warnAboutLeftovers(files.files());
    }

    /**
     * Writes a finished run's {@code --json} times and {@code --export-profile} profile (where asked for) to their
     * temporary files; they take their names only at {@link #commit}.
     *
     * @param onlyRun whether the run is bench's only one, whose files take the names given; otherwise each is named
     *                by {@link #suffixed}
     * @param layers  the run's layer profile, null unless profiled
     * @throws dev.trt4j.Trt4jException naming the file if it cannot be written
     */
    void runEnded(BenchRun run, boolean onlyRun, BenchmarkResult result, LayerProfile layers) {
        if (times != null) {
            files().writeString(onlyRun ? times : suffixed(times, run, result.batch()),
                    TimesJson.toJson(result.measured(), result.report().mode().dataTransfers()));
        }
        if (profile != null && layers != null) {
            files().writeString(onlyRun ? profile : suffixed(profile, run, result.batch()),
                    LayerProfileJson.toJson(layers));
        }
    }

    /**
     * Writes the speedup table's and the summary's files and puts every file in place, after every run succeeded:
     * a late failure leaves none of them behind.
     *
     * @param table the comparison's table, null without {@code --compare}
     */
    void commit(SpeedupTable table, List<BenchmarkSummaryJson.Run> summaries) {
        AtomicFileSet files = files();
        if (table != null) {
            stageIfAsked(files, markdown, SpeedupTableText.markdown(table));
            stageIfAsked(files, csv, SpeedupTableText.csv(table));
            stageIfAsked(files, tableJson, SpeedupTableText.json(table));
        }
        if (summary != null) {
            stageIfAsked(files, summary, BenchmarkSummaryJson.of(summaries, table));
        }
        files.commit();
    }

    /** Removes the temporary files of a bench that did not reach {@link #commit}. */
    @Override
    public void close() {
        if (staged != null) {
            staged.close();
        }
    }

    private AtomicFileSet files() {
        if (staged == null) {
            staged = new AtomicFileSet();
        }
        return staged;
    }

    /** {@code base} with the run's label before its extension (times.json: times.b8.json), one file per run. */
    static Path suffixed(Path base, BenchRun run, int batch) {
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".json";
        String label = (run.precision().isEmpty() ? "" : run.model().replaceAll("[^A-Za-z0-9_.-]", "_") + "."
                + run.precision() + ".") + "b" + batch;
        return base.resolveSibling(stem + "." + label + ext);
    }

    private static void stageIfAsked(AtomicFileSet files, Path target, String text) {
        if (target != null) {
            files.writeString(target, text); // a failure names the target, not its hidden temporary file
        }
    }
}
