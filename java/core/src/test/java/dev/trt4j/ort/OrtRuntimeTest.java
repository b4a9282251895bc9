package dev.trt4j.ort;

import dev.trt4j.engine.Availability;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrtRuntimeTest {
    private static final Path TRACE = Path.of("/tmp", "mat-debug-" + ProcessHandle.current().pid() + ".log");

    @Test
    void availableWhereTheEnvironmentStarts() {
        Availability a = OrtRuntime.availability();
        assertThat(a.available()).as(a.reason()).isTrue();
        assertThat(OrtRuntime.environment()).isNotNull();
        assertThat(TRACE).as("the empty file ONNX Runtime 1.29 creates on load is not left in /tmp")
                .doesNotExist();
    }

    /**
     * ONNX Runtime 1.29 crashed the JVM (exit 139, no message) starting on the main thread with a 4 KB command line,
     * and on a fixed 16 MB stack with a 70 KB one.
     */
    @Test
    void startsInAProcessWithALongCommandLine() throws Exception {
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dpadding=" + "z".repeat(120_000), "-cp", System.getProperty("java.class.path"),
                OrtStartMain.class.getName()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("started");
    }

    @Test
    void theStartStackGrowsWithTheCommandLineUpToAReservationLimit() {
        assertThat(OrtRuntime.startStackBytes(0)).isEqualTo(16L << 20);
        assertThat(OrtRuntime.startStackBytes(2_000_000)).isEqualTo((16L << 20) + 512L * 2_000_000);
        assertThat(OrtRuntime.startStackBytes(Long.MAX_VALUE / 1024)).isEqualTo(2L << 30);
    }

    @Test
    void onlyAnEmptyTraceFileIsRemoved() throws IOException {
        try {
            Files.writeString(TRACE, "something ONNX Runtime wrote");
            OrtRuntime.removeEmptyTraceFile();
            assertThat(TRACE).exists();
            Files.writeString(TRACE, "");
            OrtRuntime.removeEmptyTraceFile();
            assertThat(TRACE).doesNotExist();
        } finally {
            Files.deleteIfExists(TRACE);
        }
    }

    /** Where a user ID without a name falls back to: the ID, so two such users do not share one folder. */
    private static final Path UNNAMED = unnamedUsersFolder();

    private static Path unnamedUsersFolder() {
        try {
            return Path.of("/tmp/trt4j-cache-uid" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theCacheFollowsTheUsersHomeAndNeverAFolderNamedQuestionMark() {
        java.util.Map<String, String> props = new java.util.HashMap<>(java.util.Map.of("user.home", "/root",
                "java.io.tmpdir", "/tmp", "user.name", "?"));
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("HOME", "/home/ci"));
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/home/ci/.cache/trt4j"));
        env.put("XDG_CACHE_HOME", "/xdg");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/xdg/trt4j"));
        props.put(OrtRuntime.CACHE_DIR_PROPERTY, "/chosen");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/chosen"));
        props.put(OrtRuntime.CACHE_DIR_PROPERTY, "chosen");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).as("fixed at start-up")
                .isEqualTo(Path.of("chosen").toAbsolutePath());
        // named explicitly, so a name no path can hold (a NUL here; a non-ASCII one under LANG=C) is refused by name
        props.put(OrtRuntime.CACHE_DIR_PROPERTY, "/a\0b");
        assertThatThrownBy(() -> OrtRuntime.cacheFolder(env::get, props::get, home -> true))
                .isInstanceOf(dev.trt4j.Trt4jException.class).hasMessageStartingWith("-Dtrt4j.cache.dir=/a")
                .hasMessageContaining("not a folder name this system can use").hasMessageNotContaining("\n");

        // a user ID without a passwd entry: user.home "?", and HOME unset or relative
        props.remove(OrtRuntime.CACHE_DIR_PROPERTY);
        env.clear();
        props.put("user.home", "?");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(UNNAMED);
        env.put("HOME", "relative");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(UNNAMED);
        props.put("user.home", "/root");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/root/.cache/trt4j"));

        // docker run -u 1234 sets HOME=/, which that user cannot write; the passwd home (root's) neither
        env.put("HOME", "/");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> false)).isEqualTo(UNNAMED);
        assertThat(UNNAMED.getFileName().toString()).matches("trt4j-cache-uid[0-9]+");
        props.put("user.name", "ci");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> false)).isEqualTo(Path.of("/tmp/trt4j-cache-ci"));
    }

    /**
     * The XDG spec ignores a relative XDG_CACHE_HOME (it filled the working folder), and a HOME Java cannot represent
     * (a non-ASCII name under LANG=C; a NUL here) is passed over for the account's home instead of failing the command.
     */
    @Test
    void aRelativeXdgFolderAndAnUnrepresentableHomeArePassedOver() {
        java.util.Map<String, String> props = java.util.Map.of("user.home", "/root", "java.io.tmpdir", "/tmp",
                "user.name", "ci");
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("HOME", "/home/ci",
                "XDG_CACHE_HOME", "relx"));
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/home/ci/.cache/trt4j"));
        env.put("HOME", "/home/c\u0000i");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/root/.cache/trt4j"));
        env.put("XDG_CACHE_HOME", "/xdg\u0000");
        assertThat(OrtRuntime.cacheFolder(env::get, props::get, home -> true)).isEqualTo(Path.of("/root/.cache/trt4j"));
    }

    /**
     * ONNX Runtime's start failing in its static initializer (a missing java.io.tmpdir) carries no message of its
     * own: the line read "cannot start ONNX Runtime 1.29.0: null".
     */
    @Test
    void aStartFailureWithoutAMessageSaysWhatFailed() {
        Throwable bare = new ExceptionInInitializerError(new RuntimeException("Failed to load onnx-runtime library",
                new java.nio.file.NoSuchFileException("/nonexistent/tmp/onnxruntime-java123")));
        assertThat(OrtRuntime.reason(bare)).isEqualTo("cannot extract its native library to "
                + "/nonexistent/tmp/onnxruntime-java123 (java.io.tmpdir is " + System.getProperty("java.io.tmpdir")
                + "): no such folder");
    }
}
