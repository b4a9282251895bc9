package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CalibrateListMethodsTest {
    @TempDir
    Path dir;

    /** A plug-in reached only through the thread's context class loader, as an application server would add it. */
    public static final class HalfMax implements Calibrator {
        @Override
        public String name() {
            return "half-max";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return statistics.absMax() / 2;
        }

        @Override
        public String description() {
            return "half the largest magnitude";
        }
    }

    /** A plug-in whose description throws; it counts how often it is constructed. */
    public static final class Unexplained implements Calibrator {
        static final java.util.concurrent.atomic.AtomicInteger CONSTRUCTED = new java.util.concurrent.atomic.AtomicInteger();

        public Unexplained() {
            CONSTRUCTED.incrementAndGet();
        }

        @Override
        public String name() {
            return "unexplained";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return statistics.absMax();
        }

        @Override
        public String description() {
            throw new IllegalStateException("no words");
        }
    }

    @Test
    void aDescriptionThatThrowsIsSaidInItsLineAndEachPlugInIsMadeOnce() throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Calibrator.class.getName()), Unexplained.class.getName() + "\n");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        CliRun plain;
        CliRun json;
        try (URLClassLoader plugIns = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(plugIns);
            Unexplained.CONSTRUCTED.set(0);
            plain = CliRun.of("calibrate", "--list-methods");
            assertThat(Unexplained.CONSTRUCTED).as("one look at the class path per listing").hasValue(1);
            json = CliRun.of("calibrate", "--list-methods", "--json");
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }

        assertThat(plain.exitCode()).isZero();
        assertThat(plain.out().lines().toList()).hasSize(5)
                .last().isEqualTo("unexplained  (its description() failed: java.lang.IllegalStateException: no words)");
        assertThat(new ObjectMapper().readTree(json.out()).get("methods").get(4).get("description").asText())
                .startsWith("(its description() failed");
    }

    @Test
    void listsTheBuiltInMethodsWithTheirDescriptions() throws IOException {
        CliRun plain = CliRun.of("calibrate", "--list-methods");
        CliRun json = CliRun.of("calibrate", "--list-methods", "--json");

        assertThat(plain.exitCode()).isZero();
        List<String> lines = plain.out().lines().toList();
        assertThat(lines).extracting(l -> l.split("\\s+", 2)[0]).containsExactly("max", "entropy", "percentile", "mse");
        assertThat(lines.get(0)).isEqualTo("max         largest magnitude seen, max |x|");
        JsonNode node = new ObjectMapper().readTree(json.out());
        assertThat(node.get("methods")).hasSize(4);
        assertThat(node.get("methods").get(1).get("class").asText()).isEqualTo("dev.trt4j.calibrators.EntropyCalibrator");
        assertThat(node.get("notLoaded")).isEmpty();
    }

    @Test
    void listsPlugInsOnTheContextClassLoaderAndThoseThatDidNotLoad() throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Calibrator.class.getName()), HalfMax.class.getName() + "\n"
                + "com.example.Missing\n");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        CliRun run;
        try (URLClassLoader plugIns = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(plugIns);
            run = CliRun.of("calibrate", "--list-methods");
            assertThat(Calibrators.byName("half-max")).isInstanceOf(HalfMax.class);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }

        assertThat(run.exitCode()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.subList(0, 5)).extracting(l -> l.split("\\s+", 2)[0])
                .containsExactly("max", "entropy", "percentile", "mse", "half-max"); // built-ins once, first
        assertThat(lines.get(4)).isEqualTo("half-max    half the largest magnitude");
        assertThat(lines.get(5)).startsWith("not loaded: ").contains("com.example.Missing");
        assertThat(lines).hasSize(6);
    }

    @Test
    void anythingBesideTheListingIsAUsageError() {
        CliRun run = CliRun.of("calibrate", "m.onnx", "--list-methods", "--samples", "4");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --list-methods lists the methods and calibrates nothing; "
                + "drop the model and --samples");
        assertThat(Arrays.asList(dir.toFile().list())).isEmpty();
    }
}
