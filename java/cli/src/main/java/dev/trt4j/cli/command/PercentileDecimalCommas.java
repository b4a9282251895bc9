package dev.trt4j.cli.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a latency percentile list ({@code bench --percentiles}) for a decimal comma, as German or French write one:
 * {@code 99,9} meant 99.9, and picocli's split made it the percentiles 99 and 9. Both are valid percentiles, so this
 * only says what the list most likely meant; where a list of whole numbers has a single digit right after a two-digit
 * number ({@code 99,9}, {@code 50,99,9}), the two are taken as one decimal.
 */
final class PercentileDecimalCommas {
    private static final Pattern WHOLE = Pattern.compile("[0-9]+");

    /**
     * @param typed    the option's values as typed, each before the split ({@code 50,99,9})
     * @param read     the percentiles they are read as ({@code 50}, {@code 99}, {@code 9})
     * @param decimals the decimals they most likely meant ({@code 99.9})
     * @param meant    the list to type for those ({@code 50,99.9})
     */
    record Reading(String typed, List<String> read, List<String> decimals, String meant) {
        /** {@code "for 99.9 (a decimal comma), give --percentiles 50,99.9"}. */
        String hint() {
            return "for " + and(decimals) + " (a decimal comma), give --percentiles " + meant;
        }

        /** One line: what the list is read as, and {@link #hint()}. */
        String warning() {
            return "--percentiles " + typed + " is read as the percentiles " + and(read) + "; " + hint();
        }
    }

    private PercentileDecimalCommas() {
    }

    /**
     * The decimal-comma reading of {@code typed}, the values of {@code --percentiles} as typed, or empty where none
     * of them looks like a decimal comma. A value with a decimal point or a percentile of three digits is read as
     * typed: its commas separate.
     */
    static Optional<Reading> of(List<String> typed) {
        List<String> read = new ArrayList<>();
        List<String> decimals = new ArrayList<>();
        List<String> meant = new ArrayList<>();
        for (String value : typed) {
            List<String> items = List.of(value.split(",", -1));
            read.addAll(items);
            if (!items.stream().allMatch(item -> WHOLE.matcher(item).matches())) {
                meant.add(value);
                continue;
            }
            for (int i = 0; i < items.size(); i++) {
                if (i + 1 < items.size() && items.get(i).length() == 2 && items.get(i + 1).length() == 1) {
                    String decimal = items.get(i) + "." + items.get(i + 1);
                    decimals.add(decimal);
                    meant.add(decimal);
                    i++;
                } else {
                    meant.add(items.get(i));
                }
            }
        }
        return decimals.isEmpty() ? Optional.empty()
                : Optional.of(new Reading(String.join(",", typed), read, decimals, String.join(",", meant)));
    }

    /** {@code 99 and 9}, {@code 50, 99 and 9}. */
    private static String and(List<String> items) {
        int last = items.size() - 1;
        return last == 0 ? items.get(0) : String.join(", ", items.subList(0, last)) + " and " + items.get(last);
    }
}
