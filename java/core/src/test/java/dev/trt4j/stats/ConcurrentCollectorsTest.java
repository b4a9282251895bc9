package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentCollectorsTest {
    /**
     * A cancel that arrives after the workers finished the batch is seen at the wait as one that arrives before:
     * Future.get returns a finished task's result without looking at the interrupt, so which of two messages a
     * cancelled pass gave depended on the workers' timing.
     */
    @Test
    void anInterruptIsSeenAtTheWaitEvenWhenTheWorkersHaveFinished() throws InterruptedException {
        CountDownLatch folded = new CountDownLatch(2);
        try (ConcurrentCollectors collectors = new ConcurrentCollectors(2, false)) {
            collectors.collect(b -> folded.countDown(), FloatBuffer.allocate(1));
            collectors.collect(b -> folded.countDown(), FloatBuffer.allocate(1));
            assertThat(folded.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50); // the tasks have counted down; let them return
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(collectors::awaitBatch).isInstanceOf(Trt4jException.class)
                        .hasMessage("interrupted while collecting activation statistics")
                        .hasCauseInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void withoutAnInterruptTheWaitReturnsOnceEveryTensorIsFolded() {
        float[] sum = new float[1];
        try (ConcurrentCollectors collectors = new ConcurrentCollectors(2, false)) {
            collectors.collect(b -> {
                synchronized (sum) {
                    sum[0] += b.get(0);
                }
            }, FloatBuffer.wrap(new float[] {2}));
            collectors.collect(b -> {
                synchronized (sum) {
                    sum[0] += b.get(0);
                }
            }, FloatBuffer.wrap(new float[] {3}));
            collectors.awaitBatch();
        }
        assertThat(sum[0]).isEqualTo(5f);
    }
}
