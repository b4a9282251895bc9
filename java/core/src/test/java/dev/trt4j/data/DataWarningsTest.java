package dev.trt4j.data;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DataWarningsTest {
    private final List<String> warned = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn")) {
                    warned.add(String.valueOf(args[args.length - 1]));
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    /** A comparison opens its data once per candidate: within a scope each warning about the data is given once. */
    @Test
    void withinAScopeAWarningAboutTheDataIsGivenOnce() {
        try (DataWarnings.Scope scope = DataWarnings.onceEach(); DataWarnings.Scope nested = DataWarnings.onceEach()) {
            DataWarnings.warn(log, "x: ignoring 1 file");
            DataWarnings.warn(log, "x: ignoring 1 file");
            DataWarnings.warn(log, "x: leaving out the last 2 samples");
        }
        assertThat(warned).containsExactly("x: ignoring 1 file", "x: leaving out the last 2 samples");
    }

    /** Jobs side by side keep their own scopes: one job's warnings do not silence another's. */
    @Test
    void aScopeIsTheThreadsOwn() throws Exception {
        try (DataWarnings.Scope scope = DataWarnings.onceEach()) {
            DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");
            Thread other = new Thread(() -> {
                try (DataWarnings.Scope its = DataWarnings.onceEach()) {
                    DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");
                }
            });
            other.start();
            other.join();
            DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");
        }
        assertThat(warned).hasSize(2);
    }

    /** Outside a scope (a service's jobs, whose data may change under one name) every warning is given. */
    @Test
    void outsideAScopeEveryWarningIsGiven() {
        try (DataWarnings.Scope scope = DataWarnings.onceEach()) {
            DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");
        }
        DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");
        DataWarnings.warn(log, "job/samples.npy: leaving out the last 2 samples");

        assertThat(warned).hasSize(3);
    }
}
