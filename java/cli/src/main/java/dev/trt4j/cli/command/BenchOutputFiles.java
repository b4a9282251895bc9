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
 * The files {@code trt4j bench} writes: checked before anything is timed, and written together once every run has
 * succeeded. Each is null where its option was not given or prints on stdout instead ({@code --json -},
 * {@code --summary-json -}).
 */
final class BenchOutputFiles {
    private final Path times;
    private final Path profile;
    private final Path markdown;
    private final Path csv;
    private final Path tableJson;
    private final Path summary;

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
     * timing.
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
    }

    /**
     * Every file at once, after every run succeeded: a late failure leaves none of them behind.
     *
     * @param timesByFile    each run's times by its {@code --json} file; not written where they print on stdout
     * @param profilesByFile each run's layer profile by its {@code --export-profile} file
     */
    void write(Map<Path, BenchmarkResult> timesByFile, Map<Path, LayerProfile> profilesByFile, SpeedupTable table,
               List<BenchmarkSummaryJson.Run> summaries) {
        try (AtomicFileSet files = new AtomicFileSet()) {
            profilesByFile.forEach((f, p) -> files.writeString(f, LayerProfileJson.toJson(p)));
            if (times != null) {
                timesByFile.forEach((f, r) -> files.writeString(f,
                        TimesJson.toJson(r.measured(), r.report().mode().dataTransfers())));
            }
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
