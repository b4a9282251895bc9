package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeSpecParserTest {
    @Test
    void parsesSeveralInputsInOrder() {
        Map<String, long[]> shapes = ShapeSpecParser.parse("--shapes", "x:1x3x224x224, mask:1x128");
        assertThat(shapes.keySet()).containsExactly("x", "mask");
        assertThat(shapes.get("x")).containsExactly(1, 3, 224, 224);
        assertThat(shapes.get("mask")).containsExactly(1, 128);
    }

    @Test
    void nameMayContainColonsOrBeQuoted() {
        assertThat(ShapeSpecParser.parse("--shapes", "input_1:0:4x3").get("input_1:0")).containsExactly(4, 3);
        assertThat(ShapeSpecParser.parse("--shapes", "'in put':2").get("in put")).containsExactly(2);
    }

    @Test
    void dataSizesMustBePositiveWhereEngineShapesMayBeEmpty() {
        assertThat(ShapeSpecParser.parse("--shapes", "x:0x3").get("x")).containsExactly(0, 3);
        assertThat(ShapeSpecParser.parseSizes("--shapes", "x:2X3").get("x")).containsExactly(2, 3);
        assertThatThrownBy(() -> ShapeSpecParser.parseSizes("--shapes", "x:0x3"))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("--shapes: 'x:0x3': dimension '0' is not a positive integer (data has at least 1 of each "
                        + "dimension)");
        assertThatThrownBy(() -> ShapeSpecParser.parseSizes("--shapes", "x:2x-1"))
                .hasMessageContaining("dimension '-1' is not a positive integer");
    }

    @Test
    void scalarIsZeroDimensional() {
        assertThat(ShapeSpecParser.parse("--shapes", "len:scalar").get("len")).isEmpty();
        assertThat(ShapeSpecParser.format(new long[0])).isEqualTo("scalar");
        assertThat(ShapeSpecParser.format(new long[] {1, 3, 48})).isEqualTo("1x3x48");
    }

    @Test
    void rejectsDynamicOrMalformedDimensions() {
        assertThatThrownBy(() -> ShapeSpecParser.parse("--opt-shapes", "x:1x-1x8"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("--opt-shapes").hasMessageContaining("'-1'");
        assertThatThrownBy(() -> ShapeSpecParser.parse("--shapes", "x:1xax8")).hasMessageContaining("'a'");
        assertThatThrownBy(() -> ShapeSpecParser.parse("--shapes", "x1x3")).hasMessageContaining("not NAME:DIMS");
        assertThatThrownBy(() -> ShapeSpecParser.parse("--shapes", "x:1,x:2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> ShapeSpecParser.parse("--shapes", " ")).hasMessageContaining("empty");
        // a trailing comma is an empty entry, not a shorter list
        assertThatThrownBy(() -> ShapeSpecParser.parse("--shapes", "x:1x3,"))
                .hasMessage("--shapes: '' is not NAME:DIMS (e.g. x:1x3x224x224)");
    }
}
