package dev.trt4j.tensorrt;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class JavaCppLimitsTest {
    @Test
    void liftsThePhysicalLimitUnlessTheUserSetIt() {
        Properties none = new Properties();
        assertThat(JavaCppLimits.liftPhysicalLimit(none)).isTrue();
        assertThat(none.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isEqualTo("0");

        Properties given = new Properties();
        given.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "64g");
        assertThat(JavaCppLimits.liftPhysicalLimit(given)).isFalse();
        assertThat(given.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isEqualTo("64g");

        Properties lower = new Properties();
        lower.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "32g");
        assertThat(JavaCppLimits.liftPhysicalLimit(lower)).isFalse();
        assertThat(lower.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isNull();
    }
}
