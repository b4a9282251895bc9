package dev.trt4j.tensorrt;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RecentErrorsTest {
    private final RecentErrors errors = new RecentErrors();

    @Test
    void aThreadSeesItsOwnErrorOnOneLine() {
        errors.clear();
        errors.add("first");
        errors.add("IExecutionContext::enqueueV3: Error Code 1:\n  Cuda Runtime (an illegal memory access)");
        assertThat(errors.last()).contains("IExecutionContext::enqueueV3: Error Code 1: Cuda Runtime (an illegal "
                + "memory access)");
        errors.clear();
        assertThat(errors.last()).isEmpty();
    }

    @Test
    void anotherThreadsClearAndErrorDoNotReplaceThisThreadsError() throws Exception {
        errors.clear();
        errors.add("setInputShape: out of profile");
        CountDownLatch done = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            errors.clear();
            errors.add("deserializeCudaEngine: version mismatch");
            done.countDown();
        });
        other.start();
        done.await();
        other.join();
        assertThat(errors.last()).contains("setInputShape: out of profile");
    }

    @Test
    void anErrorLoggedOnAnotherThreadAfterThisThreadClearedIsTheFallback() throws Exception {
        errors.clear();
        Thread tensorRtThread = new Thread(() -> errors.add("builder worker: out of memory"));
        tensorRtThread.start();
        tensorRtThread.join();
        assertThat(errors.last()).contains("builder worker: out of memory");
        errors.clear();
        assertThat(errors.last()).isEmpty();
    }

    @Test
    void anErrorFromBeforeThisThreadClearedIsNotReported() throws Exception {
        AtomicReference<Optional<String>> seen = new AtomicReference<>();
        errors.add("an old error on the main thread");
        Thread caller = new Thread(() -> {
            errors.clear();
            seen.set(errors.last());
        });
        caller.start();
        caller.join();
        assertThat(seen.get()).isEmpty();
    }
}
