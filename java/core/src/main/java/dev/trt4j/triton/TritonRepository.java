package dev.trt4j.triton;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.io.StagedWrites;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes models into a Triton model repository: {@code REPO/<name>/config.pbtxt} and the engine as
 * {@code REPO/<name>/1/model.plan} (version 1, Triton's default file name for TensorRT plans). The files of one
 * export land together or not at all ({@link #stage} into one {@link AtomicFileSet}); an existing model of the same
 * name is replaced.
 */
public final class TritonRepository {
    private static final String PLAN = "1/model.plan";
    private static final String CONFIG = "config.pbtxt";

    private TritonRepository() {
    }

    /**
     * Adds one engine.
     *
     * @return the model's folder
     * @throws dev.trt4j.Trt4jException when a file cannot be written
     */
    public static Path add(Path repository, Path engine, TritonModelConfig config) {
        try (AtomicFileSet files = new AtomicFileSet()) {
            Path folder = stage(files, repository, engine, config);
            files.commit();
            return folder;
        }
    }

    /** The files an export of model {@code name} writes, by their names in the repository: its plan and config. */
    public static List<String> fileNames(String name) {
        return List.of(name + "/" + PLAN, name + "/" + CONFIG);
    }

    /**
     * Writes one engine's files into {@code files}, where they wait for its {@link AtomicFileSet#commit()}: a
     * repository that gets several models then gets all of them or none (a full disk while copying the third engine
     * leaves the first two models as they were).
     *
     * @return the model's folder
     * @throws dev.trt4j.Trt4jException when a file cannot be written
     */
    public static Path stage(AtomicFileSet files, Path repository, Path engine, TritonModelConfig config) {
        Path folder = repository.resolve(config.name());
        files.write(folder.resolve(PLAN), out -> copy(engine, out));
        files.write(folder.resolve(CONFIG), out -> out.write(config.toPbtxt().getBytes(StandardCharsets.UTF_8)));
        return folder;
    }

    /** A read failure names the engine: the write's own handler would blame the model file being written. */
    private static void copy(Path engine, OutputStream out) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(engine);
        } catch (IOException e) {
            throw ReadFailure.of(engine, "the engine", e);
        }
        try (in) {
            in.transferTo(out);
        }
    }

    /**
     * Checks, before any engine is copied, that {@link #add} can write model {@code name}'s files: no folder stands
     * where one goes and no file where one of their folders goes, so a repository is not left with some models added.
     *
     * @throws dev.trt4j.Trt4jException naming the first path in the way
     */
    public static void requireWritable(Path repository, String name) {
        Path folder = repository.resolve(name);
        StagedWrites.requireWritable(folder, List.of(PLAN, CONFIG));
        // the folder the export will land in: through a missing folder (missing/../repo) the typed path names none
        Path landing = FileIdentity.of(folder);
        if (Files.isDirectory(landing)) {
            try (Stream<Path> entries = Files.list(landing)) {
                // Triton serves the highest version; a folder 0 (or 01) would not displace the exported 1.
                List<String> versions = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(v -> v.matches("[0-9]{1,18}") && Long.parseLong(v) > 1)
                        .sorted(java.util.Comparator.comparingLong(Long::parseLong)).toList();
                if (!versions.isEmpty()) {
                    // Triton's default policy serves the latest version only: the export would never be served.
                    throw new Trt4jException(folder + ": holds version " + String.join(", ", versions) + ", which "
                            + "Triton would serve instead of the exported version 1; remove it or export into "
                            + "another repository");
                }
            } catch (IOException e) {
                throw new Trt4jException(folder + ": cannot list its versions: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The model name for an engine file: its name without {@code .engine}/{@code .plan}, other characters as '_'.
     *
     * @throws Trt4jException naming the engine when nothing of its name is left (".engine") or only a path step
     *                        (". engine" gives ".", which Triton cannot take as a folder)
     */
    public static String modelName(Path engine) {
        String n = engine.getFileName().toString().replaceFirst("\\.(engine|plan)$", "");
        String name = n.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new Trt4jException(engine + ": its file name leaves no Triton model name ('" + name + "'); rename "
                    + "it, e.g. model.engine");
        }
        return name;
    }
}
