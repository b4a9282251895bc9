package dev.trt4j.data;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DataWarningsTest {
    /** A comparison opens its data once per candidate: each warning about the data is given once. */
    @Test
    void aWarningAboutTheDataIsGivenOncePerJvm() {
        List<String> warned = new ArrayList<>();
        Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warned.add(String.valueOf(args[args.length - 1]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        String unique = "data-warnings-test-" + System.nanoTime();

        DataWarnings.warnOnce(log, unique + ": ignoring 1 file");
        DataWarnings.warnOnce(log, unique + ": ignoring 1 file");
        DataWarnings.warnOnce(log, unique + ": leaving out the last 2 samples");

        assertThat(warned).containsExactly(unique + ": ignoring 1 file", unique + ": leaving out the last 2 samples");
    }
}
