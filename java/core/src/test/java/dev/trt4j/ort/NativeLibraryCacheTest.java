package dev.trt4j.ort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLibraryCacheTest {
    @TempDir
    Path dir;

    @Test
    void extractsOncePerVersionAndReusesTheFiles() throws Exception {
        NativeLibraryCache cache = new NativeLibraryCache(dir);

        Path folder = cache.ensureExtracted("9.9.9").orElseThrow();

        assertThat(folder).isEqualTo(dir.resolve("onnxruntime-9.9.9").resolve(NativeLibraryCache.platform()));
        Path lib = folder.resolve(System.mapLibraryName("onnxruntime"));
        Path jni = folder.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        assertThat(lib).isRegularFile();
        assertThat(jni).isRegularFile();
        long resourceSize;
        try (var in = NativeLibraryCache.class.getResourceAsStream(
                "/ai/onnxruntime/native/" + NativeLibraryCache.platform() + "/" + System.mapLibraryName("onnxruntime"))) {
            resourceSize = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(Files.size(lib)).isEqualTo(resourceSize);

        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(lib, old);
        cache.ensureExtracted("9.9.9");
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(old);
        try (var listing = Files.list(folder)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void replacesATruncatedLibrary() throws Exception {
        NativeLibraryCache cache = new NativeLibraryCache(dir);
        Path folder = cache.ensureExtracted("1.0").orElseThrow();
        Path jni = folder.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        long size = Files.size(jni);
        Files.write(jni, new byte[10]);

        cache.ensureExtracted("1.0");

        assertThat(Files.size(jni)).isEqualTo(size);
    }

    /**
     * A cache folder another user can write to (or owns: the launchers' fallback in /tmp has a predictable name) could
     * be handed a library of their choice, which this JVM would load: such a folder is not used.
     */
    @Test
    void aFolderOtherUsersCanWriteIsNotUsedForTheLibraries() throws Exception {
        // JUnit's folder is closed to others (700), which would make all of this private: open it as a home may be
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path root = shared.resolve("trt4j");
        assertThat(PrivatePath.whyNot(root.resolve("onnxruntime-1.0"))).hasValue(shared
                + " can be written by other users (mode 777)");

        Path folder = new NativeLibraryCache(root).ensureExtracted("1.0").orElseThrow();

        assertThat(folder.startsWith(shared)).as(folder.toString()).isFalse();
        assertThat(folder.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
        assertThat(PrivatePath.whyNot(folder)).isEmpty();
        assertThat(root).doesNotExist();

        // the user's own folder, under a sticky /tmp, is used; so is one reached through the user's own link, and a
        // group-writable one inside a folder of the user's that no one else may enter (~ at 700)
        Path own = Files.createDirectory(dir.resolve("own"));
        Files.setPosixFilePermissions(own, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PrivatePath.whyNot(own.resolve("trt4j"))).isEmpty();
        Path link = Files.createSymbolicLink(dir.resolve("link"), own);
        assertThat(PrivatePath.whyNot(link.resolve("trt4j"))).isEmpty();
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path inside = Files.createDirectory(closed.resolve("group-writable"));
        Files.setPosixFilePermissions(inside, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThat(PrivatePath.whyNot(inside.resolve("trt4j"))).isEmpty();
        // a group-writable folder others can reach is not private, whichever group: a shared group such as users
        Path ownGroup = Files.createDirectory(dir.resolve("own-group"));
        Files.setPosixFilePermissions(ownGroup, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThat(PrivatePath.whyNot(ownGroup.resolve("trt4j"))).hasValue(ownGroup + " can be written by other "
                + "users (mode 775)");
        // the process's own user, not the owner of the /proc/self link (root): a file it makes is that user's
        Path made = Files.createFile(dir.resolve("made"));
        Files.setPosixFilePermissions(made, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PrivatePath.whyNot(made)).isEmpty();
        assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
                .isEqualTo(Files.getAttribute(made, "unix:uid"));
        if (Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
            // only root can hand a folder to another user
            Files.setAttribute(own, "unix:uid", 4321);
            assertThat(PrivatePath.whyNot(own.resolve("trt4j"))).hasValue(own + " belongs to user ID 4321, not to "
                    + "this user (0)");
            // through a link: the folder it leads to is judged
            assertThat(PrivatePath.whyNot(link.resolve("trt4j"))).hasValue(own + " belongs to user ID 4321, not to "
                    + "this user (0)");
        }
    }

    @Test
    void onnxRuntimeLoadsFromTheCacheFolder() {
        OrtRuntime.environment();
        Path folder = OrtRuntime.nativeLibraryFolder().orElseThrow();
        assertThat(folder.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
        assertThat(OrtRuntime.version()).isEqualTo("1.29.0");
    }
}
