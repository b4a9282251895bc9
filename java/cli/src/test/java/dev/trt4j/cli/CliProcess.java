package dev.trt4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI in a JVM of its own, started on its main class: for what only a real process shows (its logging
 * backend's lines on stderr, native loading, exit codes from {@code main}).
 */
final class CliProcess {
    /** What the process did: its exit code, its stdout, and its non-blank stderr lines. */
    record Result(int exit, String stdout, List<String> stderrLines) {
    }

    private CliProcess() {
    }

    /** Runs {@code trt4j args} in {@code work} with {@code classPath}; a JVM crash report would land in {@code work}. */
    static Result run(Path work, String classPath, String... args) throws Exception {
        return run(work, classPath, Map.of(), List.of(), args);
    }

    /** As {@link #run(Path, String, String...)}, with {@code environment} added and {@code jvmOptions} given to Java. */
    static Result run(Path work, String classPath, Map<String, String> environment, List<String> jvmOptions,
            String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "-Xmx256m", "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log")));
        cmd.addAll(jvmOptions);
        cmd.add(Trt4jCommand.class.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(work.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err.lines().filter(l -> !l.isBlank()).toList());
    }

    /**
     * Runs {@code trt4j args} in {@code work} and stops it with SIGTERM, as Ctrl-C would, once it prints a line on
     * stdout that starts with {@code stopAt}.
     */
    static Result stopWhenPrinted(Path work, String classPath, String stopAt, String... args) throws Exception {
        return stopWhenPrinted(work, classPath, Trt4jCommand.class, stopAt, args);
    }

    /** As {@link #stopWhenPrinted(Path, String, String, String...)}, running {@code mainClass}. */
    static Result stopWhenPrinted(Path work, String classPath, Class<?> mainClass, String stopAt, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "-Xmx256m", "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"),
                mainClass.getName()));
        cmd.addAll(Arrays.asList(args));
        Path errFile = work.resolve("stopped.stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectError(errFile.toFile()).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            boolean stopped = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.append(line).append('\n');
                if (!stopped && line.startsWith(stopAt)) {
                    p.toHandle().destroy(); // SIGTERM, as on Ctrl-C; Process.destroy would close stdout too
                    stopped = true;
                }
            }
            assertThat(stopped).as("printed " + stopAt + " before it ended: " + out).isTrue();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String err = java.nio.file.Files.readString(errFile, StandardCharsets.UTF_8);
        java.nio.file.Files.delete(errFile);
        return new Result(p.exitValue(), out.toString(), err.lines().filter(l -> !l.isBlank()).toList());
    }

    /** The test JVM's class path: the CLI with its dependencies and its logging configuration. */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
