package dev.trt4j.io;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class StagedWritesTest {
    @TempDir
    Path dir;

    @Test
    void filesAppearTogetherOnCommitAndReplaceOldOnes() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("a.txt"), "old");
        try (StagedWrites files = StagedWrites.in(out)) {
            AtomicFiles.writeString(files.stage("a.txt"), "new a");
            AtomicFiles.writeString(files.stage("b.txt"), "new b");
            assertThat(Files.readString(out.resolve("a.txt"))).as("nothing moves before commit").isEqualTo("old");
            assertThat(files.target("b.txt")).isEqualTo(out.resolve("b.txt"));
            files.commit();
        }
        assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("new a");
        assertThat(Files.readString(out.resolve("b.txt"))).isEqualTo("new b");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.txt", "b.txt");
        }
    }

    @Test
    void aFolderInTheWayStopsTheWholeSetAndAFolderItCreatedIsRemoved() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("b.txt"));
        try (StagedWrites files = StagedWrites.in(out)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            AtomicFiles.writeString(files.stage("b.txt"), "b");
            assertThatThrownBy(files::commit).isInstanceOf(Trt4jException.class)
                    .hasMessage(out.resolve("b.txt") + ": is a folder; cannot write the file there (nothing was "
                            + "written)");
        }
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("b.txt");
        }

        Path fresh = dir.resolve("fresh");
        try (StagedWrites files = StagedWrites.in(fresh)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            // a failure before commit: closing leaves nothing behind
        }
        assertThat(fresh).doesNotExist();
    }

    @Test
    void aLinkToAFolderNotYetMadeIsFollowedAsAFileWriteFollowsOne() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("out"), dir.resolve("made/later"));
        StagedWrites.requireWritable(link, List.of("a.txt"));
        try (StagedWrites files = StagedWrites.in(link)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            // nothing committed: the folders made for the link go again, the link stays
        }
        assertThat(dir.resolve("made")).doesNotExist();
        assertThat(Files.isSymbolicLink(link)).isTrue();

        try (StagedWrites files = StagedWrites.in(link)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            files.commit();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(dir.resolve("made/later/a.txt")).hasContent("a");
        try (Stream<Path> left = Files.list(dir.resolve("made/later"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("a.txt");
        }
    }

    /** {@code calibrate --out /dev/stdout}: a stream named for a folder is refused in the same words as for a file. */
    @Test
    void aStreamNamedForTheFolderIsRefused() {
        for (Path stream : List.of(Path.of("/dev/stdout"), Path.of("/dev/fd/2"))) {
            String message = stream + ": cannot write: it names a stream (" + (stream.endsWith("stdout")
                    ? "standard output" : "standard error") + "), and trt4j writes files, not streams; name a folder "
                    + "to write into";
            assertThatThrownBy(() -> StagedWrites.requireWritable(stream, List.of("a.txt"))).hasMessage(message);
            assertThatThrownBy(() -> StagedWrites.in(stream)).hasMessage(message);
        }
    }

    @Test
    void aLinkInsideTheFolderIsWrittenThroughNotReplaced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path elsewhere = Files.writeString(dir.resolve("kept.txt"), "old");
        Path link = Files.createSymbolicLink(out.resolve("a.txt"), elsewhere);
        try (StagedWrites files = StagedWrites.in(out)) {
            AtomicFiles.writeString(files.stage("a.txt"), "new");
            files.commit();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(elsewhere).hasContent("new");
    }

    @Test
    void aFileOutsideTheFolderMovesWithTheOthersOrNotAtAll() throws IOException {
        Path beside = dir.resolve("table.md");
        Path out = dir.resolve("out");
        try (StagedWrites files = StagedWrites.in(out)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            files.writeOutside(beside, "table");
            assertThat(beside).as("nothing moves before commit").doesNotExist();
            files.commit();
        }
        assertThat(Files.readString(beside)).isEqualTo("table");
        assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("a");

        Path blocked = dir.resolve("blocked");
        Path folderInTheWay = Files.createDirectories(dir.resolve("in-the-way.md"));
        try (StagedWrites files = StagedWrites.in(blocked)) {
            AtomicFiles.writeString(files.stage("a.txt"), "a");
            files.writeOutside(folderInTheWay, "table");
            assertThatThrownBy(files::commit).isInstanceOf(Trt4jException.class)
                    .hasMessage(folderInTheWay + ": cannot write: is a folder (nothing was written)");
        }
        assertThat(blocked).as("the folder's files did not move either").doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("table.md", "out", "in-the-way.md");
        }
    }

    @Test
    void aRunKilledWhileStagingLeavesNeitherTheStagingFolderNorTheFolderItCreated() throws Exception {
        Path out = dir.resolve("killed");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), InterruptedWriteMain.class.getName(), out.toString())
                .redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            assertThat(lines.readLine()).isEqualTo("staged");
            try (Stream<Path> staged = Files.list(out)) {
                assertThat(staged.map(f -> f.getFileName().toString())).singleElement().asString()
                        .startsWith(".trt4j-staging-");
            }
            p.destroy();  // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void requireWritableAcceptsAFolderStillToBeMadeAndNamesTheFileInTheWay() throws IOException {
        StagedWrites.requireWritable(dir.resolve("a/b/c"));
        StagedWrites.requireWritable(dir);
        Path file = Files.writeString(dir.resolve("README.md"), "text");
        assertThatThrownBy(() -> StagedWrites.requireWritable(file.resolve("x/y")))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(file.resolve("x/y") + ": cannot write there: " + file + " is a file, not a folder");
        assertThatThrownBy(() -> StagedWrites.requireWritable(file))
                .hasMessage(file + ": cannot write there: " + file + " is a file, not a folder");
        assertThat(dir.resolve("a")).doesNotExist();
        // a device is no file: "--out /dev/null" gets the plain reason
        Path device = Path.of("/dev/null");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(device), "no /dev/null on this system");
        assertThatThrownBy(() -> StagedWrites.requireWritable(device))
                .hasMessage(device + ": cannot write there: " + device + " is not a folder");
    }

    @Test
    void aFolderThatTakesNoNewFilesIsNamedNotCalledMissing() {
        Path proc = Path.of("/proc");
        assumeThat(proc).as("needs Linux's /proc, a folder that takes no new files").isDirectory();
        Path out = proc.resolve("calibration");

        assertThatThrownBy(() -> StagedWrites.requireWritable(out)).isInstanceOf(Trt4jException.class)
                .hasMessage(out + ": cannot write into folder /proc: its file system does not take new files");
        assertThatThrownBy(() -> StagedWrites.in(out)).isInstanceOf(Trt4jException.class)
                .hasMessage(out + ": cannot write into folder /proc: its file system does not take new files");
    }

    @Test
    void requireWritableWithFileNamesNamesTheFolderOrFileInTheWayOfOne() throws IOException {
        Path out = dir.resolve("named");
        List<String> names = List.of("report.json", "calibration/max.cache");
        StagedWrites.requireWritable(out, names);
        Path blocker = Files.createDirectories(out.resolve("calibration/max.cache"));
        assertThatThrownBy(() -> StagedWrites.requireWritable(out, names)).isInstanceOf(Trt4jException.class)
                .hasMessage(blocker + ": is a folder; cannot write the file there (nothing was written)");
        Files.delete(blocker);
        Files.delete(out.resolve("calibration"));
        Path file = Files.writeString(out.resolve("calibration"), "text");
        assertThatThrownBy(() -> StagedWrites.requireWritable(out, names)).isInstanceOf(Trt4jException.class)
                .hasMessage(out.resolve("calibration/max.cache") + ": cannot write there: " + file
                        + " is a file, not a folder");
        StagedWrites.requireWritable(out, List.of("report.json"));
    }
}
