package dev.trt4j.io;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writtenFileGetsThePermissionsOfAPlainlyCreatedFile() throws IOException {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews())
                .as("needs a file system with POSIX permissions").contains("posix");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("written");

        AtomicFiles.writeString(written, "content");

        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    /** The temporary name adds about 20 bytes: a legal name of 236–255 bytes must still be written. */
    @Test
    void aNameNearTheFileSystemsLimitIsWrittenAndOnePastItRefusedUpFront() throws IOException {
        Path longest = dir.resolve("é".repeat(120) + "x.onnx"); // 240 + 6 = 246 bytes of UTF-8
        AtomicFiles.requireFolderFor(longest);
        AtomicFiles.writeString(longest, "model");
        assertThat(Files.readString(longest)).isEqualTo("model");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(longest);
        }
        AtomicFileSet set = new AtomicFileSet();
        Path second = dir.resolve("b".repeat(250));
        Files.writeString(set.stage(longest), "new");
        Files.writeString(set.stage(second), "b");
        set.commit(); // moves the old file aside under a name of its own first
        set.close();
        assertThat(Files.readString(longest)).isEqualTo("new");

        Path tooLong = dir.resolve("c".repeat(256));
        assertThatThrownBy(() -> AtomicFiles.requireFolderFor(tooLong)).isInstanceOf(Trt4jException.class)
                .hasMessage(tooLong + ": cannot write: file name too long (256 bytes in one name; file systems take "
                        + "255)");
        assertThatThrownBy(() -> StagedWrites.requireWritable(dir.resolve("d".repeat(300)), java.util.List.of("a")))
                .hasMessageContaining("file name too long (300 bytes");
    }

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old");

        AtomicFiles.writeString(target, "new");

        assertThat(Files.readString(target)).isEqualTo("new");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    /** A rename onto a link would replace the link with a plain file and leave the file it points at stale. */
    @Test
    void aPathThroughALinkedFolderIsWrittenWhereTheKernelPutsIt() throws IOException {
        // LINK/../m.onnx names other/m.onnx; a text clean-up wrote ./m.onnx, the model a command had just read.
        Path here = Files.createDirectories(dir.resolve("here"));
        Path other = Files.createDirectories(dir.resolve("other/sub"));
        Path model = Files.writeString(here.resolve("m.onnx"), "model");
        Path link = Files.createSymbolicLink(here.resolve("L"), other);
        AtomicFiles.writeString(link.resolve("../m.onnx"), "json");
        assertThat(Files.readString(model)).isEqualTo("model");
        assertThat(Files.readString(dir.resolve("other/m.onnx"))).isEqualTo("json");

        // the same through a relative link inside the linked folder
        Files.createSymbolicLink(other.resolve("out.onnx"), Path.of("../m3.onnx"));
        Path local = Files.writeString(here.resolve("m3.onnx"), "local");
        try (AtomicFileSet set = new AtomicFileSet()) {
            Files.writeString(set.stage(link.resolve("out.onnx")), "fp16");
            set.commit();
        }
        assertThat(Files.readString(local)).isEqualTo("local");
        assertThat(Files.readString(dir.resolve("other/m3.onnx"))).isEqualTo("fp16");
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path file = Files.writeString(Files.createDirectories(dir.resolve("real")).resolve("table.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), Path.of("real/table.json"));
        Path chain = Files.createSymbolicLink(dir.resolve("chain.json"), Path.of("link.json"));

        AtomicFiles.writeString(chain, "new");
        AtomicFiles.requireFolderFor(link);

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(chain)).isTrue();
        assertThat(Files.readString(file)).isEqualTo("new");
        try (AtomicFileSet set = new AtomicFileSet()) {
            Files.writeString(set.stage(link), "newer");
            set.commit();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(file)).isEqualTo("newer");
    }

    /** {@code --out /dev/null} must not replace the device with a file (the rename would, even as root). */
    @Test
    void aPipeOrDeviceIsRefusedAndLeftInPlace() throws Exception {
        Path fifo = dir.resolve("fifo.cache");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        for (Path target : java.util.List.of(fifo, Path.of("/dev/null"))) {
            assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(Trt4jException.class)
                    .hasMessage(target + ": cannot write: not a regular file (a device, pipe or socket); name a file "
                            + "to write");
            assertThatThrownBy(() -> AtomicFiles.requireFolderFor(target)).hasMessageContaining("not a regular file");
        }
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.exists(fifo)).isTrue();
        assertThat(dir.toFile().list()).containsExactly("fifo.cache");
    }

    /**
     * {@code --out /dev/stdout >> log.txt}: the links lead to the log, a plain file, which the rename replaced with
     * the output. A stream is refused by its name, and through a link to it, before the links are followed.
     */
    @Test
    void aStreamIsRefusedByItsNameAndTheFileBehindItKept() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeThat(fds).as("needs Linux's /proc").isDirectory();
        Path log = Files.writeString(dir.resolve("log.txt"), "the log");
        try (var open = new java.io.FileOutputStream(log.toFile(), true)) {
            String fd = descriptorOf(log);
            Path linkToStdout = Files.createSymbolicLink(dir.resolve("out.onnx"), Path.of("/dev/stdout"));
            Path linkToFds = Files.createSymbolicLink(dir.resolve("fds"), Path.of("/dev/fd"));
            long pid = ProcessHandle.current().pid();
            for (var c : java.util.Map.of(Path.of("/proc/self/fd/" + fd), "file descriptor " + fd,
                    Path.of("/proc/" + pid + "/fd/" + fd), "file descriptor " + fd,
                    Path.of("/dev/fd/" + fd), "file descriptor " + fd, linkToFds.resolve(fd), "file descriptor " + fd,
                    Path.of("/dev/stdout"), "standard output", Path.of("/dev/stderr"), "standard error",
                    linkToStdout, "standard output", Path.of("/proc/1/fd/1"), "file descriptor 1 of process 1")
                    .entrySet()) {
                Path target = c.getKey();
                String message = target + ": cannot write: it names a stream (" + c.getValue() + "), and trt4j "
                        + "writes files, not streams; name a file to write";
                assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(Trt4jException.class)
                        .hasMessage(message);
                assertThatThrownBy(() -> AtomicFiles.requireFolderFor(target)).hasMessage(message);
            }
            assertThatThrownBy(() -> AtomicFiles.requireFolderFor(Path.of("/dev/stdout/m.onnx")))
                    .hasMessageContaining("it names a stream (standard output)");
        }
        assertThat(log).hasContent("the log");
        assertThat(Files.isSymbolicLink(dir.resolve("out.onnx"))).isTrue();
    }

    /** The number of a descriptor this process holds open on {@code file}. */
    static String descriptorOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        return fd.getFileName().toString();
                    }
                } catch (IOException closedSinceListed) {
                    // the listing's own descriptor, or one closed meanwhile
                }
            }
        }
        throw new IllegalStateException("no descriptor open on " + file);
    }

    @Test
    void aFailedWriteSaysWhyInWordsAndNamesTheTarget() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        Path target = file.resolve("model.onnx");

        assertThatThrownBy(() -> AtomicFiles.writeString(target, "y")).isInstanceOf(Trt4jException.class)
                .hasMessage(target + ": cannot write: " + file + " is a file, not a folder");
        assertThat(AtomicFiles.reason(new java.nio.file.AccessDeniedException("/x/.m.onnx.1.tmp")))
                .isEqualTo("permission denied");
        assertThat(AtomicFiles.reason(new java.nio.file.FileSystemException("/proc/.m.tmp", null, "Read-only file "
                + "system"))).isEqualTo("read-only file system");
    }

    @Test
    void requireFolderForRefusesATargetThatIsAFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("out"));

        assertThatThrownBy(() -> AtomicFiles.requireFolderFor(folder)).isInstanceOf(Trt4jException.class)
                .hasMessage(folder + ": cannot write: is a folder");
        assertThatThrownBy(() -> AtomicFiles.writeString(folder, "x")).isInstanceOf(Trt4jException.class)
                .hasMessage(folder + ": cannot write: is a folder");
        AtomicFiles.requireFolderFor(folder.resolve("new.json"));
        // missing folders are made by the write, as every output's are; a file where one goes is named
        AtomicFiles.requireFolderFor(folder.resolve("no/such/new.json"));
        assertThat(folder.resolve("no")).doesNotExist();
        Path file = Files.writeString(folder.resolve("f"), "x");
        assertThatThrownBy(() -> AtomicFiles.requireFolderFor(file.resolve("deeper/new.json")))
                .hasMessage(file.resolve("deeper/new.json") + ": cannot write: " + file + " is a file, not a folder");
    }

    @Test
    void aFailedWriteRemovesTheFoldersItMadeAndNothingElse() throws IOException {
        Path kept = Files.createDirectories(dir.resolve("kept"));
        Path target = kept.resolve("made/deeper/out.json");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IOException("disk full");
        })).isInstanceOf(Trt4jException.class).hasMessage(target + ": cannot write: disk full");

        assertThat(kept).isEmptyDirectory();
        AtomicFiles.writeString(target, "x");
        assertThat(target).hasContent("x");
    }

    @Test
    void aFolderOnAWritableFileSystemThatRefusesIsAPermissionProblem(@TempDir Path dir) {
        assertThat(AtomicFiles.notWritable(dir)).isEqualTo("cannot write into folder " + dir + ": permission denied");
    }

    @Test
    void aFolderThatExistsButTakesNoNewFilesIsNamedAsSuchNotAsMissing() {
        // /proc exists and refuses new files even to root (these tests run as root), answering "no such file"
        Path proc = Path.of("/proc");
        assumeThat(proc).as("needs Linux's /proc, a folder that takes no new files").isDirectory();
        Path target = proc.resolve("x.onnx");

        assertThatThrownBy(() -> AtomicFiles.requireFolderFor(target)).isInstanceOf(Trt4jException.class)
                .hasMessage(target + ": cannot write into folder /proc: its file system does not take new files");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(Trt4jException.class)
                .hasMessage(target + ": cannot write into folder /proc: its file system does not take new files");
    }

    @Test
    void aFolderThatRefusesPermissionIsNamedWithTheReason() {
        Path sys = Path.of("/sys");
        assumeThat(sys).as("needs Linux's /sys, a folder that refuses new files").isDirectory();
        Path target = sys.resolve("x.json");

        assertThatThrownBy(() -> AtomicFiles.requireFolderFor(target)).isInstanceOf(Trt4jException.class)
                .message().startsWith(target + ": cannot write into folder /sys: ").doesNotContain("no such");
    }

    @Test
    void theWriteCheckLeavesNothingBehind() throws IOException {
        AtomicFiles.requireFolderFor(dir.resolve("new.json"));

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
