package dev.trt4j.io;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileSetTest {
    @TempDir
    Path dir;

    @Test
    void filesInSeveralFoldersAppearOnlyOnCommit() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = Files.createDirectories(dir.resolve("sub")).resolve("b.md");
        Files.writeString(a, "old");
        try (AtomicFileSet files = new AtomicFileSet()) {
            AtomicFiles.writeString(files.stage(a), "new a");
            AtomicFiles.writeString(files.stage(b), "new b");
            assertThat(Files.readString(a)).as("nothing moves before commit").isEqualTo("old");
            assertThat(b).doesNotExist();
            files.commit();
        }
        assertThat(Files.readString(a)).isEqualTo("new a");
        assertThat(Files.readString(b)).isEqualTo("new b");
        assertThat(names(dir)).containsExactlyInAnyOrder("a.json", "sub");
        assertThat(names(b.getParent())).containsExactly("b.md");
    }

    @Test
    void aFolderInTheWayStopsEveryFileAndClosingLeavesNoTemporaryFile() throws IOException {
        Path a = dir.resolve("a.json");
        Path folder = Files.createDirectories(dir.resolve("b.md"));
        try (AtomicFileSet files = new AtomicFileSet()) {
            AtomicFiles.writeString(files.stage(a), "a");
            AtomicFiles.writeString(files.stage(folder), "b");
            assertThatThrownBy(files::commit).isInstanceOf(Trt4jException.class)
                    .hasMessage(folder + ": cannot write: is a folder (nothing was written)");
        }
        assertThat(names(dir)).containsExactly("b.md");
    }

    @Test
    void theSameTargetCannotBeStagedTwice() {
        try (AtomicFileSet files = new AtomicFileSet()) {
            files.stage(dir.resolve("x.json"));
            assertThatThrownBy(() -> files.stage(dir.resolve("sub/../x.json")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staged twice");
        }
        assertThat(dir).isEmptyDirectory();
    }

    private static Stream<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }

    /** After a cleanup hook ran (SIGTERM), the thread still running stages nothing the hook could no more remove. */
    @Test
    void nothingIsStagedOnceTheJvmIsStopping() throws IOException {
        Path out = dir.resolve("new/sub/a.json");
        try (AtomicFileSet files = new AtomicFileSet()) {
            ShutdownCleanup.stopping(true);
            assertThatThrownBy(() -> files.writeString(out, "late")).isInstanceOf(Trt4jException.class)
                    .hasMessage("interrupted: stopped while writing its output, which is left as it was");
        } finally {
            ShutdownCleanup.stopping(false);
        }
        assertThat(names(dir)).isEmpty();
    }

    /** A failed write names the file the user asked for, not the hidden folder it was staged in. */
    @Test
    void aFailedStagedWriteNamesTheOutput() throws IOException {
        try (StagedWrites files = StagedWrites.in(dir.resolve("out"))) {
            Path staged = files.stage("statistics.json");
            assertThatThrownBy(() -> AtomicFiles.write(staged, o -> {
                throw new IOException("disk", new java.nio.file.FileSystemException(null, null,
                        "No space left on device"));
            })).hasMessage(dir.resolve("out/statistics.json") + ": cannot write: no space left on device");
        }
        assertThat(StagedWrites.shownAs(Path.of("out/.trt4j-staging-123/histograms/a.png")))
                .isEqualTo(Path.of("out/histograms/a.png"));
    }
}
