package dev.trt4j.calibrators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plug-ins an application server or plug-in host puts on the thread's context class loader, beside those on trt4j's
 * own class path (src/test/resources lists double-max, nan-amax and three broken ones there).
 */
class ContextClassLoaderPlugInsTest {
    @TempDir
    Path dir;

    /** Listed only in the context loader's services file. */
    public static final class ContextOnly implements Calibrator {
        @Override
        public String name() {
            return "context-only";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 1f;
        }
    }

    /** Takes a built-in method's name. */
    public static final class ShadowMax implements Calibrator {
        @Override
        public String name() {
            return "max";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 1f;
        }
    }

    /** A second class that calls itself {@code context-only}. */
    public static final class ContextOnlyAgain implements Calibrator {
        @Override
        public String name() {
            return "context-only";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 2f;
        }
    }

    /** Throws a bare exception (no message) from {@code name()}. */
    public static final class NameThrows implements Calibrator {
        @Override
        public String name() {
            throw new UnsupportedOperationException();
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 1f;
        }
    }

    @Test
    void aPlugInOnlyTheContextLoaderSeesIsFoundAndTheRestCountOnce() throws Throwable {
        try (URLClassLoader plugIns = delegating(ContextOnly.class.getName(), "com.example.Missing")) {
            withContextLoader(plugIns, () -> {
                assertThat(Calibrators.byName("context-only")).isInstanceOf(ContextOnly.class);
                // it delegates to trt4j's loader, whose services file it sees again: each class counts once
                assertThat(Calibrators.available()).extracting(Calibrator::name).endsWith("context-only")
                        .containsExactlyInAnyOrder("max", "entropy", "percentile", "mse", "double-max", "nan-amax",
                                "context-only");
                assertThat(Calibrators.byName("double-max")).isInstanceOf(DoubleMaxCalibrator.class);
                assertThat(Calibrators.notLoaded()).hasSize(4)
                        .anyMatch(r -> r.contains("NoSuchCalibrator"))
                        .anyMatch(r -> r.contains("cannot start"))
                        .anyMatch(r -> r.contains("calls itself '../escaped'"))
                        .anyMatch(r -> r.contains("com.example.Missing"));
                assertThatThrownBy(() -> Calibrators.byName("missing"))
                        .hasMessageContaining("not loaded: ").hasMessageContaining("com.example.Missing");
            });
        }
        assertThatThrownBy(() -> Calibrators.byName("context-only"))
                .hasMessageStartingWith("unknown calibration method 'context-only'");
        assertThat(Calibrators.notLoaded()).hasSize(3);
    }

    @Test
    void aPlugInTakingABuiltInNameIsLeftOutAndTheBuiltInKeepsWorking() throws Throwable {
        try (URLClassLoader plugIns = delegating(ShadowMax.class.getName())) {
            withContextLoader(plugIns, () -> {
                assertThat(Calibrators.byName("max")).isInstanceOf(MaxCalibrator.class);
                assertThat(Calibrators.available()).extracting(Calibrator::name).doesNotHaveDuplicates();
                assertThat(Calibrators.notLoaded()).contains(ShadowMax.class.getName() + " calls itself 'max', "
                        + "the name of the built-in " + MaxCalibrator.class.getName() + "; give it a name of its own");
            });
        }
    }

    /** Whether or not the built-in came first: a plug-in jar listed before trt4j's on the class path is left out too. */
    @Test
    void aBuiltInNameIsRefusedToAPlugInFoundBeforeTheBuiltIns() {
        java.util.Set<String> broken = new java.util.LinkedHashSet<>();
        assertThat(Calibrators.takesBuiltInName(new ShadowMax(), "max", broken)).isTrue();
        assertThat(Calibrators.takesBuiltInName(new MaxCalibrator(), "max", broken)).isFalse();
        assertThat(Calibrators.takesBuiltInName(new ContextOnly(), "context-only", broken)).isFalse();
        assertThat(broken).containsExactly(ShadowMax.class.getName() + " calls itself 'max', the name of the built-in "
                + MaxCalibrator.class.getName() + "; give it a name of its own");
        assertThat(Calibrators.available()).extracting(Calibrator::name).startsWith("max", "entropy", "percentile",
                "mse");
    }

    @Test
    void twoPlugInsTakingOneNameAreRefusedByName() throws Throwable {
        try (URLClassLoader plugIns = delegating(ContextOnly.class.getName(), ContextOnlyAgain.class.getName())) {
            withContextLoader(plugIns, () -> assertThatThrownBy(() -> Calibrators.byName("context-only"))
                    .isInstanceOf(CalibrationException.class)
                    .hasMessage("calibration method 'context-only' is provided by several classes ("
                            + ContextOnly.class.getName() + ", " + ContextOnlyAgain.class.getName()
                            + "); remove all but one from the class path"));
        }
    }

    @Test
    void aPlugInWhoseNameThrowsIsNamedByItsClass() throws Throwable {
        try (URLClassLoader plugIns = delegating(NameThrows.class.getName())) {
            withContextLoader(plugIns, () -> assertThat(Calibrators.notLoaded())
                    .contains(NameThrows.class.getName() + ": name() failed: java.lang.UnsupportedOperationException"));
        }
    }

    /** A loader made without trt4j's as its parent sees the services file but cannot load what it lists. */
    @Test
    void aContextLoaderThatCannotSeeTheInterfaceNamesThePlugInsItLists() throws Throwable {
        try (URLClassLoader plugIns = delegating("com.example.First", "com.example.Second");
                URLClassLoader isolated = new URLClassLoader(plugIns.getURLs(), null)) {
            withContextLoader(isolated, () -> {
                assertThat(Calibrators.byName("max")).isInstanceOf(MaxCalibrator.class);
                assertThat(Calibrators.notLoaded()).contains("the thread's context class loader cannot see "
                        + Calibrator.class.getName() + ", so the methods it lists (com.example.First, "
                        + "com.example.Second) cannot load; make trt4j's class loader its parent");
            });
        }
    }

    /**
     * A web application's loader looks in its own jars before its parent's: a plug-in jar both there and on
     * trt4j's class path is loaded twice, as two classes of one name, and must still count once.
     */
    @Test
    void aPlugInLoadedAgainByAChildFirstContextLoaderCountsOnce() throws Throwable {
        URL testClasses = DoubleMaxCalibrator.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader childFirst = new ChildFirst(testClasses, getClass().getClassLoader())) {
            assertThat(childFirst.loadClass(DoubleMaxCalibrator.class.getName()))
                    .isNotSameAs(DoubleMaxCalibrator.class);

            withContextLoader(childFirst, () -> {
                assertThat(Calibrators.byName("double-max")).isInstanceOf(DoubleMaxCalibrator.class);
                assertThat(Calibrators.available()).extracting(Calibrator::name)
                        .containsExactlyInAnyOrder("max", "entropy", "percentile", "mse", "double-max", "nan-amax");
                assertThat(Calibrators.notLoaded()).hasSize(3);
                });
        }
    }

    /** A web application that bundles its own trt4j: its providers implement another Calibrator interface. */
    @Test
    void aContextLoaderWithItsOwnTrt4jIsLeftOutWithOneReason() throws Throwable {
        URL calibrators = Calibrator.class.getProtectionDomain().getCodeSource().getLocation();
        URL testClasses = DoubleMaxCalibrator.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader otherTrt4j = new URLClassLoader(new URL[] {calibrators, testClasses},
                ClassLoader.getPlatformClassLoader())) {
            withContextLoader(otherTrt4j, () -> {
                assertThat(Calibrators.byName("max")).isInstanceOf(MaxCalibrator.class);
                assertThat(Calibrators.available()).hasSize(6);
                assertThat(Calibrators.notLoaded()).hasSize(4).noneMatch(r -> r.contains("not a subtype"))
                        .contains("the thread's context class loader has its own copy of "
                                + Calibrator.class.getName() + " (from " + calibrators
                                + "): the methods it lists are for that trt4j and are left out");
                });
        }
    }

    /** A loader over {@link #dir}, whose services file lists {@code providers}, that asks the test's loader first. */
    private URLClassLoader delegating(String... providers) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Calibrator.class.getName()), String.join("\n", providers) + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    private static void withContextLoader(ClassLoader loader, ThrowingCallable body) throws Throwable {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            body.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Finds a class in its own URL before asking its parent, as a servlet container's web application loader. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL url, ClassLoader parent) {
            super(new URL[] {url}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                try {
                    return findClass(name);
                } catch (ClassNotFoundException e) {
                    return super.loadClass(name, resolve);
                }
            }
        }
    }
}
