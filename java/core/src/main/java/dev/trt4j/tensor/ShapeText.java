package dev.trt4j.tensor;

import java.util.Arrays;

/** A tensor shape as error messages and tables write it: {@code [1,3,48,192]}, {@code []} for a scalar. */
public final class ShapeText {
    private ShapeText() {
    }

    /** {@code shape} as {@code [d0,d1,...]}, without spaces. */
    public static String of(long[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }
}
