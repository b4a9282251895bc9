package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Lists the data files of a folder, or takes a single file, by extension and in name order. */
public final class DataFiles {
    private DataFiles() {
    }

    /** The lower-case extension of a file name without the dot, or "" if none. */
    public static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * {@code path} itself if it is a file, else the regular, non-hidden files directly in the folder whose
     * extension is one of {@code extensions}, sorted by file name.
     *
     * @throws Trt4jException if the path does not exist, or the folder holds no such files
     */
    public static List<Path> list(Path path, Set<String> extensions) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> extensions.contains(extension(p)))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
            if (files.isEmpty()) {
                throw new Trt4jException(path + ": no ." + String.join("/.", extensions.stream().sorted().toList())
                        + " files in this folder");
            }
            return files;
        } catch (NoSuchFileException e) {
            throw new Trt4jException(path + ": no such file or folder", e);
        } catch (IOException e) {
            throw new Trt4jException(path + ": cannot list: " + ReadFailure.reason(e), e);
        }
    }
}
