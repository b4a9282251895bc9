package dev.trt4j.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/build-engines.sh, scripts/bench.sh and scripts/gpu-checks.sh against a fake trt4j that logs its arguments. */
class ScriptsTest {
    private static final Path SCRIPTS = Path.of("../../scripts").toAbsolutePath().normalize();
    /**
     * Logs each call but inspect's; build writes --out and its sidecar, or fails like trt4j for a model named
     * bad.onnx. inspect --json lists Q/DQ operators for a model whose name holds qdq, and cannot read unreadable.onnx.
     */
    private static final String FAKE = """
            #!/usr/bin/env bash
            if [ "$1" = inspect ]; then
              case "$2" in
                *unreadable.onnx) echo "trt4j: $2: not an ONNX model" >&2; exit 1;;
                *qdq*) echo '{"model":"m","operators":{"Conv":2,"DequantizeLinear":3,"QuantizeLinear":3},"nodes":8}';;
                *) echo '{"model":"m","operators":{"Conv":2},"nodes":2,"allActivationTensors":["QuantizeLinear"]}';;
              esac
              exit 0
            fi
            echo "$*" >> "$FAKE_LOG"
            out=""; prev=""
            for a in "$@"; do [ "$prev" = --out ] && out="$a"; prev="$a"; done
            case "$*" in *bad.onnx*) echo "trt4j: bad.onnx: not an ONNX model" >&2; exit 1;; esac
            case "$*" in *usage.onnx*) echo "trt4j: profile 0 names input 'y'" >&2; exit 2;; esac
            case "$*" in *--bogus*) echo "trt4j: Unknown option: '--bogus'" >&2; exit 2;; esac
            if [ "$1" = build ]; then echo plan > "$out"; echo '{}' > "$out.json"; fi
            """;

    @TempDir
    Path dir;
    Path log;
    Path bin;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void fakeTrt4j() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = Files.writeString(bin.resolve("trt4j"), FAKE);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        log = dir.resolve("calls.log");
    }

    private Result run(String script, String... args) throws Exception {
        return runWith(Map.of(), script, args);
    }

    private List<String> calls() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Path model(String name) throws IOException {
        Path m = Files.writeString(dir.resolve(name), "onnx");
        Files.setLastModifiedTime(m, FileTime.from(Instant.now().minusSeconds(60)));
        return m;
    }

    @Test
    void buildsEveryPrecisionAndCalibratorOnceThenSkipsUpToDateEngines() throws Exception {
        model("cls.onnx");
        Files.createDirectories(dir.resolve("lines")); // the data of trt-minmax
        // the tables trt4j calibrate writes by default
        Path calibration = Files.createDirectories(dir.resolve("engines/cls/calibration"));
        Path table = calibration.resolve("entropy.table.json");
        Path percentile = calibration.resolve("percentile-99.99.table.json");
        for (Path t : List.of(table, percentile)) {
            Files.writeString(t, "{}");
            Files.setLastModifiedTime(t, FileTime.from(Instant.now().minusSeconds(60)));
        }
        Result first = run("build-engines.sh", "-c", "entropy percentile trt-minmax", "-d", "lines", "-s",
                "x:1x3x48x192", "cls.onnx");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(calls()).containsExactly(
                "build cls.onnx --out engines/cls.fp32.engine --precision fp32 --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.fp16.engine --precision fp16 --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.int8-entropy.engine --precision int8 --calibrator entropy --table "
                        + "engines/cls/calibration/entropy.table.json --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.int8-percentile.engine --precision int8 --calibrator percentile "
                        + "--table engines/cls/calibration/percentile-99.99.table.json --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.int8-trt-minmax.engine --precision int8 --calibrator trt-minmax "
                        + "--data lines --cache engines/cls.trt-minmax.cache --shapes x:1x3x48x192");

        Result second = run("build-engines.sh", "-c", "entropy percentile trt-minmax", "-d", "lines", "-s",
                "x:1x3x48x192", "cls.onnx");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("up to date: engines/cls.fp32.engine");
        assertThat(calls()).hasSize(5);

        Files.setLastModifiedTime(table, FileTime.from(Instant.now().plusSeconds(60)));
        run("build-engines.sh", "-c", "entropy percentile trt-minmax", "-d", "lines", "-s", "x:1x3x48x192",
                "cls.onnx");
        assertThat(calls()).hasSize(6).last().asString().contains("int8-entropy");
    }

    @Test
    void stopsAtTheFirstFailureWithTrt4jsMessage() throws Exception {
        model("bad.onnx");
        model("good.onnx");
        Result result = run("build-engines.sh", "-p", "fp32", "bad.onnx", "good.onnx");
        assertThat(result.code()).isNotZero();
        assertThat(result.err()).contains("trt4j: bad.onnx: not an ONNX model")
                .contains("build-engines: building engines/bad.fp32.engine failed");
        assertThat(calls()).hasSize(1);
        assertThat(dir.resolve("engines/good.fp32.engine")).doesNotExist();

        // a missing table is found before the FP32 and FP16 builds that come first
        Result noTable = run("build-engines.sh", "good.onnx");
        assertThat(noTable.code()).isNotZero();
        assertThat(noTable.err()).contains("engines/good/calibration/entropy.table.json: no calibration table");
        assertThat(calls()).hasSize(1);

        // trt4j's exit code is the script's: 2 where trt4j refused its command line
        model("usage.onnx");
        Result usage = run("build-engines.sh", "-p", "fp32", "usage.onnx");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("trt4j: profile 0 names input 'y'");
    }

    /**
     * A Q/DQ model (what trt4j quantize writes) builds as explicit INT8 from its own scales: calibrator options made
     * trt4j build refuse it, and it has no table to look for. fp32 and fp16 would still run its Q/DQ nodes in INT8,
     * so trt4j build refuses those too, and the script skips them.
     */
    @Test
    void aQdqModelBuildsExplicitInt8WithoutCalibratorOptions() throws Exception {
        model("cls.onnx");
        model("cls-qdq.onnx");
        Path table = Files.createDirectories(dir.resolve("engines/cls/calibration")).resolve("entropy.table.json");
        Files.writeString(table, "{}");
        Files.setLastModifiedTime(table, FileTime.from(Instant.now().minusSeconds(60)));
        Result both = run("build-engines.sh", "-s", "x:1x3x48x192", "cls.onnx", "cls-qdq.onnx");
        assertThat(both.code()).as(both.err()).isZero();
        assertThat(calls()).containsExactly(
                "build cls.onnx --out engines/cls.fp32.engine --precision fp32 --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.fp16.engine --precision fp16 --shapes x:1x3x48x192",
                "build cls.onnx --out engines/cls.int8-entropy.engine --precision int8 --calibrator entropy --table "
                        + "engines/cls/calibration/entropy.table.json --shapes x:1x3x48x192",
                "build cls-qdq.onnx --out engines/cls-qdq.int8.engine --precision int8 --shapes x:1x3x48x192");
        assertThat(both.err().lines().toList()).containsExactly("build-engines: cls-qdq.onnx has Q/DQ nodes, which "
                + "build at int8 only: no fp32 and fp16 engine for it");
        assertThat(run("build-engines.sh", "-s", "x:1x3x48x192", "cls.onnx", "cls-qdq.onnx").out())
                .contains("up to date: engines/cls-qdq.int8.engine");
        assertThat(calls()).hasSize(4);

        Result noInt8 = run("build-engines.sh", "-p", "fp16", "cls-qdq.onnx");
        assertThat(noInt8.code()).isZero();
        assertThat(noInt8.err().lines().toList()).containsExactly("build-engines: skipping cls-qdq.onnx: it has Q/DQ "
                + "nodes, which build at int8 only, and -p names no int8");
        assertThat(calls()).hasSize(4);

        // a model trt4j cannot read stops the script before the first build, with trt4j's line and exit code
        model("unreadable.onnx");
        Result unreadable = run("build-engines.sh", "-p", "fp32", "cls.onnx", "unreadable.onnx");
        assertThat(unreadable.code()).isEqualTo(1);
        assertThat(unreadable.err().lines().toList()).containsExactly("trt4j: unreadable.onnx: not an ONNX model",
                "build-engines: reading unreadable.onnx failed (trt4j inspect unreadable.onnx --json)");
        assertThat(calls()).hasSize(4);
    }

    /** Other build options, or another model file of the same name, build again: the engine would not be theirs. */
    @Test
    void anEngineBuiltWithOtherOptionsOrFromAnotherModelIsNotUpToDate() throws Exception {
        model("cls.onnx");
        run("build-engines.sh", "-p", "fp16", "cls.onnx");
        String profile = "--min-shapes x:1x3x48x192 --opt-shapes x:8x3x48x192 --max-shapes x:32x3x48x192";
        Result withProfile = run("build-engines.sh", "-p", "fp16", "-x", profile, "cls.onnx");
        assertThat(withProfile.out()).contains("building: engines/cls.fp16.engine");
        assertThat(calls()).hasSize(2).last().asString().endsWith(profile);

        Result again = run("build-engines.sh", "-p", "fp16", "-x", profile, "cls.onnx");
        assertThat(again.out()).contains("up to date: engines/cls.fp16.engine");
        assertThat(calls()).hasSize(2);

        // the same file and folder spelled otherwise is the same build
        Result respelled = run("build-engines.sh", "-p", "fp16", "-o", "engines/", "-x", profile, "./cls.onnx");
        assertThat(respelled.out()).contains("up to date");
        assertThat(calls()).hasSize(2);

        Files.createDirectories(dir.resolve("other"));
        Path other = Files.writeString(dir.resolve("other/cls.onnx"), "onnx");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minusSeconds(600)));
        Result otherModel = run("build-engines.sh", "-p", "fp16", "-x", profile, "other/cls.onnx");
        assertThat(otherModel.out()).contains("building: engines/cls.fp16.engine");
        assertThat(calls()).hasSize(3).last().asString().startsWith("build other/cls.onnx ");

        // a failed build with new options leaves the old engine, which must not pass for one built with them
        Result failed = run("build-engines.sh", "-p", "fp16", "-x", "--bogus", "cls.onnx");
        assertThat(failed.code()).isEqualTo(2);
        Result retried = run("build-engines.sh", "-p", "fp16", "-x", "--bogus", "cls.onnx");
        assertThat(retried.out()).contains("building: engines/cls.fp16.engine").doesNotContain("up to date");
        assertThat(calls()).hasSize(5);
        assertThat(run("build-engines.sh", "-p", "fp16", "cls.onnx").code()).isZero(); // built again, stamped
        assertThat(calls()).hasSize(6);

        // an engine built before its command was kept goes by its times alone
        Files.delete(dir.resolve("engines/cls.fp16.engine.args"));
        assertThat(run("build-engines.sh", "-p", "fp16", "cls.onnx").out()).contains("up to date");
        assertThat(calls()).hasSize(6);

    }

    @Test
    void modelsOfOneFileNameOrEmptyListsAreRefusedBeforeAnyBuild() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        model("a/model.onnx");
        model("b/model.onnx");
        Result twoNames = run("build-engines.sh", "-p", "fp32", "a/model.onnx", "b/model.onnx");
        assertThat(twoNames.code()).isEqualTo(2);
        assertThat(twoNames.err().lines().toList()).containsExactly("build-engines: a/model.onnx and b/model.onnx "
                + "would both build engines/model.*.engine; give them other file names or build them into other "
                + "folders (-o)");
        // the same file twice is one model
        assertThat(run("build-engines.sh", "-p", "fp32", "a/model.onnx", "./a/model.onnx").code()).isZero();
        assertThat(calls()).hasSize(1);

        assertThat(run("build-engines.sh", "-p", " ", "a/model.onnx").err().lines().toList())
                .containsExactly("build-engines: -p names no precision (fp32, fp16, int8)");
        Result noCalibrator = run("build-engines.sh", "-p", "int8", "-c", "", "a/model.onnx");
        assertThat(noCalibrator.code()).isEqualTo(2);
        assertThat(noCalibrator.err()).contains("-c names no calibrator for int8");
        Result noData = run("build-engines.sh", "-p", "fp32 int8", "-c", "trt-minmax", "-d", "gone", "a/model.onnx");
        assertThat(noData.code()).isEqualTo(1);
        assertThat(noData.err().lines().toList()).containsExactly("build-engines: gone: no such file or folder (-d, "
                + "the data trt-minmax calibrates on)");
        assertThat(calls()).hasSize(1);
    }

    @Test
    void benchComparesEachModelsEnginesWithItsFp32Engine() throws Exception {
        Path engines = Files.createDirectories(dir.resolve("engines"));
        for (String e : List.of("cls.fp32", "cls.fp16", "cls.int8-entropy", "rec.int8-max", "v2.0_det.fp32")) {
            Files.writeString(engines.resolve(e + ".engine"), "plan");
        }
        Result result = run("bench.sh", "-b", "1,8", "--", "--duration", "1");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).contains("skipping rec: no rec.fp32.engine");
        assertThat(calls()).singleElement().asString()
                .contains("--compare model=cls,fp32=engines/cls.fp32.engine,fp16=engines/cls.fp16.engine,"
                        + "int8-entropy=engines/cls.int8-entropy.engine")
                .contains("--compare model=v2.0_det,fp32=engines/v2.0_det.fp32.engine --batch")
                .endsWith("--batch 1,8 --markdown engines/speedup.md --csv engines/speedup.csv "
                        + "--table-json engines/speedup.json --duration 1");

        // trt4j's exit code and its one line, nothing added: 2 where it refused the command line
        Result refused = run("bench.sh", "--", "--bogus");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("trt4j: Unknown option: '--bogus'").doesNotContain("bench failed");

        Files.createDirectories(dir.resolve("empty"));
        Result empty = run("bench.sh", "-e", "empty");
        assertThat(empty.code()).isNotZero();
        assertThat(empty.err()).contains("empty: no .engine files");
    }

    /** A wrong command line exits 2 with one line, before the first build, as trt4j's own usage errors do. */
    @Test
    void buildEnginesRefusesAWrongCommandLineBeforeBuildingAnything() throws Exception {
        model("cls.onnx");
        Map<List<String>, String> wrong = Map.of(
                List.of("-p", "fp32 fp61", "cls.onnx"), "build-engines: unknown precision 'fp61' (fp32, fp16, int8)",
                List.of("-p", "fp32 int8", "-c", "entropy kl", "cls.onnx"), "build-engines: unknown calibrator 'kl' "
                        + "(max, entropy, percentile, mse, trt-entropy2, trt-minmax)",
                List.of("-p", "fp32 int8", "-c", "trt-minmax", "cls.onnx"), "build-engines: calibrator trt-minmax "
                        + "calibrates on data: give it with -d DATA");
        for (Map.Entry<List<String>, String> w : wrong.entrySet()) {
            Result result = run("build-engines.sh", w.getKey().toArray(String[]::new));
            assertThat(result.code()).as(w.getKey().toString()).isEqualTo(2);
            assertThat(result.err().lines().toList()).containsExactly(w.getValue());
        }
        assertThat(run("build-engines.sh").code()).isEqualTo(2);
        assertThat(run("bench.sh", "-q").err().lines().toList())
                .containsExactly("bench: unknown option -q; see " + SCRIPTS.resolve("bench.sh") + " -h");
        Result noValue = run("build-engines.sh", "-o");
        assertThat(noValue.code()).isEqualTo(2);
        assertThat(noValue.err().lines().toList()).containsExactly("build-engines: option -o needs a value; see "
                + SCRIPTS.resolve("build-engines.sh") + " -h");
        assertThat(run("build-engines.sh", "--out", "x", "cls.onnx").err().lines().toList()).containsExactly(
                "build-engines: unknown option --out: the options are single letters; see "
                        + SCRIPTS.resolve("build-engines.sh") + " -h");
        Files.writeString(dir.resolve("afile"), "");
        Result fileAsFolder = run("build-engines.sh", "-p", "fp32", "-o", "afile", "cls.onnx");
        assertThat(fileAsFolder.code()).isEqualTo(1);
        assertThat(fileAsFolder.err().lines().toList()).containsExactly("build-engines: afile: not a folder (-o, where "
                + "the engines go)");
        Result underAFile = run("build-engines.sh", "-p", "fp32", "-o", "afile/sub", "cls.onnx");
        assertThat(underAFile.code()).isEqualTo(1);
        assertThat(underAFile.err().lines().toList()).containsExactly("build-engines: afile/sub: cannot create the "
                + "folder (-o, where the engines go); a file stands on its path or the folder above is not writable");
        // a folder given without -e reached trt4j bench as a file to time, while the default folder was read
        Files.createDirectories(dir.resolve("e dir"));
        assertThat(run("bench.sh", "e dir").err().lines().toList()).containsExactly("bench: unexpected argument 'e "
                + "dir': give the engines folder with -e DIR, and trt4j bench's own arguments after --");
        // TRT4J names one program: a command line in it failed with the shell's exit code 127
        Result commandLine = runWith(Map.of("TRT4J", "java -jar trt4j-cli.jar"), "bench.sh", "-e", "e dir");
        assertThat(commandLine.code()).isEqualTo(2);
        assertThat(commandLine.err()).startsWith("bench: TRT4J=java -jar trt4j-cli.jar: no such program");
        for (String script : List.of("build-engines.sh", "bench.sh", "gpu-checks.sh", "cpu-bench-run.sh",
                "cpu-speedup-run.sh", "lint-dockerfiles.sh")) {
            Result help = run(script, "--help");
            assertThat(help.code()).as(script).isZero();
            assertThat(help.out()).as(script).startsWith("# ");
        }

        // A missing model is found before the models given ahead of it are built.
        Result missing = run("build-engines.sh", "-p", "fp32", "cls.onnx", "gone.onnx");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().lines().toList()).containsExactly("build-engines: gone.onnx: no such model file");
        assertThat(calls()).isEmpty();
        assertThat(dir.resolve("engines")).doesNotExist();
    }

    /**
     * The device-loan scripts refuse a wrong command line at once: a run script given a missing stage exited 0 after
     * every step failed, and a stage script took --help for a go and started its build.
     */
    @Test
    void loanScriptsRefuseAWrongCommandLineAtOnce() throws Exception {
        for (String script : List.of("cpu-bench-run.sh", "cpu-speedup-run.sh")) {
            Result missing = run(script, "nosuch", "out");
            assertThat(missing.code()).as(script).isEqualTo(2);
            assertThat(missing.err().lines().toList()).as(script).singleElement().asString()
                    .startsWith("usage: run.sh STAGE OUT").endsWith("must be existing folders");
        }
        for (String script : List.of("cpu-bench-stage.sh", "cpu-speedup-stage.sh", "cpu-loan-stage.sh",
                "gpu-stage.sh", "onnx-operator-tests.sh")) {
            Result help = run(script, "--help");
            assertThat(help.code()).as(script).isZero();
            List<String> header = Files.readAllLines(SCRIPTS.resolve(script)).stream().skip(1)
                    .takeWhile(l -> l.startsWith("#")).map(l -> l.replaceFirst("^# ?", "")).toList();
            assertThat(help.out().lines().toList()).as(script).isEqualTo(header); // the usage line last, too
            Result wrong = run(script, "now");
            assertThat(wrong.code()).as(script).isEqualTo(2);
            assertThat(wrong.err().lines().toList()).as(script)
                    .containsExactly(script + ": takes no arguments, got 'now'");
        }
        assertThat(calls()).isEmpty();
    }

    /**
     * The launcher rebuilds a stale CLI with the profile its jar was built with, read from the manifest's
     * Trt4j-Maven-Profile, or from the Class-Path (wrapped at 72 bytes) of a jar from before that entry: lib/ keeps
     * the TensorRT jars of an earlier GPU build, so it cannot tell.
     */
    @Test
    void theLauncherRebuildsWithTheProfileTheJarWasBuiltWith() throws Exception {
        String redist = "lib/trt4j-core-0.1.0-SNAPSHOT.jar lib/trt4j-native-0.1.0-SNAPSHOT.jar "
                + "lib/tensorrt-10.15-1.5.13-linux-x86_64-redist.jar";
        String cpu = "lib/trt4j-core-0.1.0-SNAPSHOT.jar lib/picocli-4.7.6.jar";
        Path lib = Files.createDirectories(dir.resolve("lib"));
        assertThat(builtProfile(redist, null, lib)).isEqualTo("-Pgpu");
        assertThat(builtProfile(redist.replace("-redist", ""), null, lib)).isEqualTo("-Pgpu-system");
        assertThat(builtProfile(cpu, null, lib)).isEmpty();
        assertThat(builtProfile(cpu, "gpu-system", lib)).isEqualTo("-Pgpu-system");

        // lib/ still holds trt4j-native after a CPU build that followed a GPU build: the entry says it was one
        Files.writeString(lib.resolve("trt4j-native-0.1.0-SNAPSHOT.jar"), "");
        assertThat(builtProfile(cpu, "none", lib)).isEmpty();
        assertThat(builtProfile(redist, "gpu", lib)).isEqualTo("-Pgpu");
        // A jar from before the entry whose Class-Path lacks trt4j-native beside a lib/ holding it: a -Pgpu build
        // after a CPU build left the jar as it was, so doctor said "build trt4j with -Pgpu" after just that
        Result old = launcherBuiltProfile(cpu, null, lib);
        assertThat(old.out().strip()).isEqualTo("-Pgpu-system");
        assertThat(old.err().lines().toList()).containsExactly("trt4j: lib/ holds trt4j-native, but the jar's manifest "
                + "does not name it: building with -Pgpu-system (./mvnw -pl java/cli -am package builds the CLI "
                + "without TensorRT)");
        Files.writeString(lib.resolve("tensorrt-10.15-1.5.13-linux-x86_64-redist.jar"), "");
        assertThat(builtProfile(cpu, null, lib)).isEqualTo("-Pgpu");
    }

    /** The profile the launcher's built_profile prints for a jar of that Class-Path and Trt4j-Maven-Profile. */
    private String builtProfile(String classPath, String profileEntry, Path lib) throws Exception {
        Result r = launcherBuiltProfile(classPath, profileEntry, lib);
        assertThat(r.code()).as(r.err()).isZero();
        return r.out().strip();
    }

    /** The launcher's built_profile for a jar of that Class-Path and Trt4j-Maven-Profile beside lib/. */
    private Result launcherBuiltProfile(String classPath, String profileEntry, Path lib) throws Exception {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classPath);
        if (profileEntry != null) {
            manifest.getMainAttributes().putValue("Trt4j-Maven-Profile", profileEntry);
        }
        Path jar = Files.createTempFile(dir, "cli-", ".jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar),
                manifest)) {
            out.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
        }
        Path launcher = SCRIPTS.resolveSibling("trt4j");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source <(sed -n -e '/^manifest()/,/^}/p' "
                + "-e '/^built_profile()/,/^}/p' \"$1\"); jar=\"$2\"; lib=\"$3\"; built_profile", "bash",
                launcher.toString(), jar.toString(), lib.toString());
        String javaHome = System.getProperty("java.home");
        if (Files.isExecutable(Path.of(javaHome, "bin", "jar"))) {
            pb.environment().put("JAVA_HOME", javaHome); // a JDK's jar tool, as the build that wrote the jar had
        }
        Path out = Files.createTempFile(dir, "profile-", ".out");
        Path err = Files.createTempFile(dir, "profile-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Under {@code set -u}, bash before 4.4 (macOS's 3.2, CentOS 7's 4.2) takes an empty array for an unset one:
     * {@code "${a[@]}"} stops the script with "a[@]: unbound variable". So an array that starts empty ({@code a=()},
     * {@code read -a a}) is expanded as {@code ${a[@]+"${a[@]}"}} everywhere, which every bash reads alike; the
     * launcher's CPU rebuild and bench.sh stopped there.
     */
    @Test
    void arraysThatStartEmptyAreExpandedSoThatOldBashTakesThem() throws Exception {
        List<Path> scripts = new ArrayList<>(List.of(SCRIPTS.resolveSibling("trt4j")));
        try (var files = Files.list(SCRIPTS)) {
            files.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(scripts::add);
        }
        Pattern startsEmpty = Pattern.compile(
                "(?:\\b(\\w+)=\\(\\s*\\))|(?:\\bread\\s+(?:-\\w+\\s+)*-a\\s+(\\w+))");
        List<String> unguarded = new ArrayList<>();
        for (Path script : scripts) {
            String text = Files.readString(script);
            Matcher m = startsEmpty.matcher(text);
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            for (String name : names) {
                String a = Pattern.quote(name);
                // the guard ${a[@]+"${a[@]}"} (or ${a[*]:+${a[*]} ...}) and the expansion inside it are fine
                String rest = text.replaceAll("\\$\\{" + a + "\\[[@*]\\]:?\\+\"?\\$\\{" + a + "\\[[@*]\\]\\}", "");
                Matcher plain = Pattern.compile("\\$\\{" + a + "\\[[@*]\\]\\}")
                        .matcher(rest);
                while (plain.find()) {
                    unguarded.add(script.getFileName() + ": " + plain.group());
                }
            }
        }
        assertThat(unguarded).isEmpty();
    }

    /** gpu-checks.sh without its payload stops at once, before it writes anything (with no STAGE it wrote under /). */
    @Test
    void gpuChecksWithoutAPayloadStopsAtOnce() throws Exception {
        Result none = run("gpu-checks.sh");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err().lines().toList()).containsExactly("gpu-checks: usage: scripts/gpu-checks.sh STAGE OUT "
                + "(STAGE: the payload scripts/gpu-stage.sh packed)");

        Files.createDirectories(dir.resolve("stage/jars"));
        Result noJre = run("gpu-checks.sh", "stage", "results");
        assertThat(noJre.code()).isEqualTo(1);
        assertThat(noJre.err().lines().toList())
                .containsExactly("gpu-checks: stage: no jre/ folder; not an unpacked payload of scripts/gpu-stage.sh");
        assertThat(dir.resolve("results")).doesNotExist();
        assertThat(dir.resolve("stage/trt4j")).doesNotExist();
        assertThat(calls()).isEmpty();
    }
    /**
     * JUnit exits 0 when the gpu-tagged tests skip (no usable GPU stack), which on the GPU machine means nothing was
     * checked: gpu-checks.sh reads the skips from the report and exits 1 for them, after running its other steps.
     */
    @Test
    void gpuChecksFailWhenTheGpuTestsSkip() throws Exception {
        Path stage = Files.createDirectories(dir.resolve("stage"));
        Files.createDirectories(stage.resolve("jars"));
        Path java = Files.createDirectories(stage.resolve("jre/bin")).resolve("java");
        // JUnit's console launcher writes its XML report; anything else answers like the fake trt4j
        Files.writeString(java, """
                #!/usr/bin/env bash
                reports=""; prev=""
                for a in "$@"; do [ "$prev" = --reports-dir ] && reports="$a"; prev="$a"; done
                if [ -n "$reports" ]; then
                  mkdir -p "$reports"
                  echo "<testsuite name=\\"JUnit Jupiter\\" tests=\\"5\\" skipped=\\"$SKIPPED\\" failures=\\"0\\">" \\
                    > "$reports/TEST-junit-jupiter.xml"
                fi
                echo "java $*" >> "$FAKE_LOG"
                # builds write their engine and sidecar, so that the engine and bench steps succeed
                out=""; md=""; prev=""
                for a in "$@"; do
                  [ "$prev" = --out ] && out="$a"; [ "$prev" = --markdown ] && md="$a"; prev="$a"
                done
                case " $* " in *" build "*) echo plan > "$out"; echo '{}' > "$out.json";; esac
                case " $* " in *" bench "*) echo "| table of $md |" > "$md";; esac
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        // the payload's models and the tables of their INT8 builds
        Path models = Files.createDirectories(stage.resolve("jars/models"));
        for (String name : List.of("cls", "rec", "det")) {
            model("stage/jars/models/" + name + ".onnx");
            for (String tables : List.of(name + "-qdq", name + "-all")) {
                Path table = Files.createDirectories(models.resolve(tables)).resolve("entropy.table.json");
                Files.writeString(table, "{}");
                Files.setLastModifiedTime(table, FileTime.from(Instant.now().minusSeconds(60)));
            }
        }

        Result skipped = runWith(Map.of("SKIPPED", "3"), "gpu-checks.sh", "stage", "results");
        Result ran = runWith(Map.of("SKIPPED", "0"), "gpu-checks.sh", "stage", "results2");

        assertThat(skipped.code()).as(skipped.out()).isEqualTo(1);
        assertThat(skipped.out()).contains("native tests: 3 skipped; on a GPU machine every test must run")
                .contains("=== done");
        assertThat(ran.code()).as(ran.out() + ran.err()).isZero();
        assertThat(ran.out()).doesNotContain("skipped;");

        // a rerun into the same OUT starts afresh: appended, the table held every model twice
        Result again = runWith(Map.of("SKIPPED", "0"), "gpu-checks.sh", "stage", "results2");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("results2/speedup.md"))).hasSize(3);
        assertThat(Files.readString(dir.resolve("results2/gpu-checks.log"))).containsOnlyOnce("=== GPU");
        // nor are the last run's engines kept: a build that fails now leaves none to be timed
        Path stale = Files.writeString(stage.resolve("engines/cls/stale.engine"), "plan");
        runWith(Map.of("SKIPPED", "0"), "gpu-checks.sh", "stage", "results2");
        assertThat(stale).doesNotExist();

        // every engine build failing (here: no models) must not look green either
        Files.delete(models.resolve("rec.onnx"));
        Result failedBuild = runWith(Map.of("SKIPPED", "0"), "gpu-checks.sh", "stage", "results3");
        assertThat(failedBuild.code()).isEqualTo(1);
        assertThat(failedBuild.out()).contains("engines for rec: exit code 1").contains("=== done");
        // the log is whole when the script exits: tee wrote its last lines after the script's end, which a device
        // call collecting OUT at once (or this test, reading the output) could miss
        assertThat(Files.readString(dir.resolve("results3/gpu-checks.log"))).contains("=== done");
    }

    /**
     * Where the home cannot take a cache (docker run -u 1234 sets HOME=/), the image's launcher points
     * XDG_CACHE_HOME at the temporary folder: ONNX Runtime otherwise wrote ":memory:.ses" into the working folder.
     */
    @Test
    void theImagesLauncherGivesAHomelessUserACacheFolder() throws Exception {
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"XDG=${XDG_CACHE_HOME:-unset}\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        // an account whose passwd home is gone too (a bare user ID), when the test asks for one
        Path getent = bin.resolve("getent");
        Files.writeString(getent, "#!/bin/sh\nif [ -n \"$FAKE_ACCOUNT_HOME\" ]; then echo \"u:x:1:1::$FAKE_ACCOUNT_HOME:/bin/sh\"; "
                + "else PATH=/usr/bin:/bin exec getent \"$@\"; fi\n");
        Files.setPosixFilePermissions(getent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> homeless = new java.util.HashMap<>();
        homeless.put("HOME", dir.resolve("no-such-home").toString());
        homeless.put("FAKE_ACCOUNT_HOME", dir.resolve("no-such-account-home").toString());
        homeless.put("TMPDIR", dir.toString());
        homeless.put("XDG_CACHE_HOME", null);
        Map<String, String> housed = new java.util.HashMap<>(homeless);
        housed.put("HOME", home.toString());
        Map<String, String> chosen = new java.util.HashMap<>(homeless);
        chosen.put("XDG_CACHE_HOME", "/chosen");

        Map<String, String> unset = new java.util.HashMap<>(homeless);
        unset.put("HOME", null); // the account's home (root's, or the test user's) takes the cache, as in Java
        unset.put("FAKE_ACCOUNT_HOME", null);

        Result withoutHome = runWith(homeless, "../docker/trt4j", "--version");
        Result homeUnset = runWith(unset, "../docker/trt4j", "--version");
        Result withHome = runWith(housed, "../docker/trt4j", "--version");
        Result withChoice = runWith(chosen, "../docker/trt4j", "--version");

        assertThat(withoutHome.out().strip()).matches("XDG=" + java.util.regex.Pattern.quote(dir.toString())
                + "/trt4j-xdg-uid[0-9]+");
        assertThat(withHome.out().strip()).isEqualTo("XDG=unset");
        assertThat(homeUnset.out().strip()).isEqualTo("XDG=" + System.getProperty("user.home") + "/.cache");
        assertThat(withChoice.out().strip()).isEqualTo("XDG=/chosen");
    }

    /** Under LANG=C Java cannot parse a non-ASCII path: the image's launcher switches to C.UTF-8, as ./trt4j does. */
    @Test
    void theImagesLauncherRunsJavaInAUtf8Locale() throws Exception {
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"LC_ALL=${LC_ALL:-unset} charmap=$(locale charmap)\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> ascii = new java.util.HashMap<>();
        ascii.put("LANG", "C");
        ascii.put("LC_ALL", null);
        ascii.put("XDG_CACHE_HOME", "/chosen");
        Map<String, String> utf8 = new java.util.HashMap<>(ascii);
        utf8.put("LANG", "C.UTF-8");

        assertThat(runWith(ascii, "../docker/trt4j", "--version").out().strip())
                .isEqualTo("LC_ALL=C.UTF-8 charmap=UTF-8");
        assertThat(runWith(utf8, "../docker/trt4j", "--version").out().strip())
                .isEqualTo("LC_ALL=unset charmap=UTF-8");
    }

    private Result runWith(Map<String, String> environment, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("FAKE_LOG", log.toString());
        pb.environment().remove("TRT4J");
        environment.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
