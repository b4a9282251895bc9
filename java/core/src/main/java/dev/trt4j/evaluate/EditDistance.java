package dev.trt4j.evaluate;

/** Levenshtein distance between two strings, counted in Unicode code points (insertions, deletions, substitutions). */
final class EditDistance {
    private EditDistance() {
    }

    /** The fewest single-code-point edits that turn {@code a} into {@code b}. */
    public static int between(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int[] row = new int[y.length + 1];
        for (int j = 0; j <= y.length; j++) {
            row[j] = j;
        }
        for (int i = 1; i <= x.length; i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= y.length; j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(above + 1, row[j - 1] + 1), diagonal + (x[i - 1] == y[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[y.length];
    }
}
