package dev.trt4j.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ShortestDecimalTest {

    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1",
        "1.0, 1.0",
        "-2.5, -2.5",
        "254.87549, 254.87549",
        "255.0625, 255.0625",
        "0.007874016, 0.007874016",
        "0.001, 0.001",
        "9.999999E-4, 9.999999E-4",
        "1.0E7, 1.0E7",
        "9999999.0, 9999999.0",
        "2.0E-9, 2.0E-9",
        "3.4028235E38, 3.4028235E38",
        "1.4E-45, 1.4E-45",
    })
    void formatsTypicalValues(float value, String expected) {
        assertThat(ShortestDecimal.format(value)).isEqualTo(expected);
    }

    @Test
    void isShorterThanJava17FloatToStringWhereThatIsNotShortest() {
        // JDK-4511638: Java 17 prints these with nine digits although eight read back.
        float a = 6.853802E8f;
        float b = 1.600438E8f;
        assertThat(Float.parseFloat("6.853802E8")).isEqualTo(a);
        assertThat(ShortestDecimal.format(a)).isEqualTo("6.853802E8");
        assertThat(ShortestDecimal.format(b)).isEqualTo("1.600438E8");
    }

    @Test
    void formatsZerosAndNonFiniteValues() {
        assertThat(ShortestDecimal.format(0f)).isEqualTo("0.0");
        assertThat(ShortestDecimal.format(-0f)).isEqualTo("-0.0");
        assertThat(ShortestDecimal.format(Float.NaN)).isEqualTo("NaN");
        assertThat(ShortestDecimal.format(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void randomFloatsReadBackExactlyAndNoShorterDecimalDoes() {
        SplittableRandom random = new SplittableRandom(20260705);
        for (int i = 0; i < 10_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f) || f == 0f || Math.abs(f) == Float.MAX_VALUE) {
                continue;
            }
            String text = ShortestDecimal.format(f);
            assertThat(Float.floatToRawIntBits(Float.parseFloat(text))).as(text).isEqualTo(Float.floatToRawIntBits(f));
            int digits = new BigDecimal(text).stripTrailingZeros().precision();
            assertThat(digits).as("%s vs Float.toString %s", text, Float.toString(f))
                    .isLessThanOrEqualTo(new BigDecimal(Float.toString(f)).stripTrailingZeros().precision());
            if (digits > 2) { // two digits are always shown ("1.0"), so only longer answers can be beaten
                assertThat(hasDecimalWithDigitsReadingBack(f, digits - 1)).as("%s: a %d-digit decimal reads back",
                        text, digits - 1).isFalse();
            }
        }
    }

    @Test
    void agreesWithTheBigDecimalSearchItReplaced() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // any bit pattern (NaN, infinities and subnormals included), then histogram edges k · w
            float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt())
                    : (i % 2048) * (float) Math.exp(random.nextGaussian() * 5);
            assertThat(ShortestDecimal.format(f)).as("bits %08x", Float.floatToRawIntBits(f))
                    .isEqualTo(ShortestDecimalOracle.format(f));
        }
    }

    @Test
    void plainNotationInsideTheOrdinaryRangeAndScientificOutside() {
        assertThat(ShortestDecimal.format(1234567.0f)).isEqualTo("1234567.0");
        assertThat(ShortestDecimal.format(0.0012345f)).isEqualTo("0.0012345");
        assertThat(ShortestDecimal.format(1.2345E-4f)).isEqualTo("1.2345E-4");
        assertThat(ShortestDecimal.format(-3.0E8f)).isEqualTo("-3.0E8");
    }

    /**
     * Independent oracle: computes the exact interval of reals that round to {@code f} (half-way points between
     * neighbours, included when f's significand is even, as in round-half-even) and checks whether any decimal
     * with {@code digits} significant digits lies in it.
     */
    private static boolean hasDecimalWithDigitsReadingBack(float f, int digits) {
        float a = Math.abs(f);
        BigDecimal exact = new BigDecimal(a);
        BigDecimal two = BigDecimal.valueOf(2);
        BigDecimal lo = exact.add(new BigDecimal(Math.nextDown(a))).divide(two);
        BigDecimal hi = exact.add(new BigDecimal(Math.nextUp(a))).divide(two);
        boolean inclusive = (Float.floatToRawIntBits(a) & 1) == 0;
        // every decimal of at most `digits` digits in [lo, hi] is a multiple of 10^(exponent(lo) - digits + 1)
        int exponentLo = lo.precision() - lo.scale() - 1;
        BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(exponentLo - digits + 1);
        BigDecimal k = lo.divide(unit, MathContext.DECIMAL128).setScale(0, java.math.RoundingMode.FLOOR);
        for (BigDecimal x = k.multiply(unit); x.compareTo(hi) <= 0; x = x.add(unit)) {
            int cmpLo = x.compareTo(lo);
            int cmpHi = x.compareTo(hi);
            boolean inside = inclusive ? cmpLo >= 0 && cmpHi <= 0 : cmpLo > 0 && cmpHi < 0;
            if (inside && x.stripTrailingZeros().precision() <= digits) {
                return true;
            }
        }
        return false;
    }
}
