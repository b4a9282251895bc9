package dev.trt4j.table;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SubnormalScalesTest {
    @Test
    void rangesWhoseScaleIsBelowTheSmallestNormalFloatAreNamed() {
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("ok", 1f);
        amax.put("zero", 0f); // a tensor that was 0 on every sample: a range of 0, not a tiny one
        amax.put("sub", 1e-37f);
        amax.put("normal", 127f * Float.MIN_NORMAL);
        assertThat(SubnormalScales.of(amax)).containsExactly(Map.entry("sub", 1e-37f));
        assertThat(SubnormalScales.warning(SubnormalScales.of(amax))).isEqualTo("1 activation range(s) so small that "
                + "the scale amax/127 is subnormal (first: 'sub' (1.0E-37)): every larger value saturates; calibrate "
                + "again");

        // 1e-45 / 127 underflows: the scale written would be 0
        amax.put("under", 1e-45f);
        assertThat(SubnormalScales.warning(SubnormalScales.of(amax))).isEqualTo("2 activation range(s) so small that "
                + "the scale amax/127 is subnormal or underflows to 0 (first: 'sub' (1.0E-37)): every larger value "
                + "saturates; calibrate again");
    }
}
