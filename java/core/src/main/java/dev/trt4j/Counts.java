package dev.trt4j;

/** Counted nouns for messages and summaries: "1 file", "3 files". */
public final class Counts {
    private Counts() {
    }

    /** {@code n} and {@code singular}, with an "s" added unless {@code n} is 1. */
    public static String of(long n, String singular) {
        return of(n, singular, singular + "s");
    }

    /** {@code n} and the noun in the form that count takes. */
    public static String of(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
