package dev.trt4j;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CountsTest {
    @Test
    void onlyOneTakesTheSingular() {
        assertThat(Counts.of(1, "file")).isEqualTo("1 file");
        assertThat(Counts.of(0, "file")).isEqualTo("0 files");
        assertThat(Counts.of(3, "node")).isEqualTo("3 nodes");
        assertThat(Counts.of(1, "batch", "batches")).isEqualTo("1 batch");
        assertThat(Counts.of(2, "batch", "batches")).isEqualTo("2 batches");
    }
}
