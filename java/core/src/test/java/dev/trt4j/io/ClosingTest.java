package dev.trt4j.io;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClosingTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable resource(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name, Exception e) {
        return () -> {
            closed.add(name);
            throw e;
        };
    }

    @Test
    void closesEveryResourceInOrderAndThrowsTheFirstFailureWithTheRestSuppressed() {
        IllegalStateException sticky = new IllegalStateException("sticky CUDA error");
        IllegalStateException second = new IllegalStateException("second");
        assertThatThrownBy(() -> Closing.all(resource("a"), failing("b", sticky), null, failing("c", second),
                resource("d")))
                .isSameAs(sticky)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
        assertThat(closed).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aCheckedFailureIsWrappedWithItsMessage() {
        assertThatThrownBy(() -> Closing.all(List.of(failing("a", new IOException("disk gone")), resource("b"))))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("closing failed: disk gone")
                .hasCauseInstanceOf(IOException.class);
        assertThat(closed).containsExactly("a", "b");
    }

    @Test
    void theSameExceptionThrownTwiceIsNotSuppressedIntoItself() {
        IllegalStateException same = new IllegalStateException("same");
        assertThatThrownBy(() -> Closing.all(failing("a", same), failing("b", same))).isSameAs(same)
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }

    @Test
    void afterAFailureClosingErrorsAreAddedToTheOriginalAndNothingIsThrown() {
        Trt4jException open = new Trt4jException("createExecutionContext failed");
        IllegalStateException closing = new IllegalStateException("stream");
        Closing.afterFailure(open, resource("context"), null, failing("engine", closing), resource("runtime"));
        assertThat(closed).containsExactly("context", "engine", "runtime");
        assertThat(open.getSuppressed()).containsExactly(closing);
    }
}
