package dev.trt4j.ort;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrtRunnerOptionsTest {
    @Test
    void aThreadCountIsRefusedInTheWordsEveryCommandPrints() {
        assertThatThrownBy(() -> OrtRunnerOptions.defaults().withIntraOpThreads(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be 0 (automatic) to 1024, got -1");
        assertThatThrownBy(() -> OrtRunnerOptions.defaults().withIntraOpThreads(100000))
                .hasMessage("threads must be 0 (automatic) to 1024, got 100000");
        assertThatThrownBy(() -> OrtRunnerOptions.requireThreadCount("histogram-threads", "as threads", 1025))
                .hasMessage("histogram-threads must be 0 (as threads) to 1024, got 1025");
    }

    @Test
    void theEndsOfTheRangeAreTaken() {
        assertThat(OrtRunnerOptions.defaults().withIntraOpThreads(0).intraOpThreads()).isZero();
        assertThat(OrtRunnerOptions.requireThreadCount("threads", "automatic", OrtRunnerOptions.MAX_THREADS))
                .isEqualTo(1024);
    }
}
