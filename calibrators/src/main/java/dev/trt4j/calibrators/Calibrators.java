package dev.trt4j.calibrators;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds calibration methods by name among the {@link Calibrator} implementations on the class path
 * ({@link ServiceLoader}): the four built in ({@code max}, {@code entropy}, {@code percentile}, {@code mse}) and any
 * listed by another jar in {@code META-INF/services/dev.trt4j.calibrators.Calibrator}.
 */
public final class Calibrators {
    private Calibrators() {
    }

    /**
     * The method called {@code name} (case-insensitive).
     *
     * @throws CalibrationException if no method, or more than one, has that name; the message lists the
     *                              available names
     */
    public static Calibrator byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        List<Calibrator> all = available();
        List<Calibrator> matches = all.stream().filter(c -> c.name().equals(wanted)).toList();
        if (matches.isEmpty()) {
            throw new CalibrationException("unknown calibration method '" + name + "'; available: " + names(all));
        }
        if (matches.size() > 1) {
            throw new CalibrationException("calibration method '" + wanted + "' is provided by several classes ("
                    + matches.stream().map(c -> c.getClass().getName()).collect(Collectors.joining(", "))
                    + "); remove all but one from the class path");
        }
        return matches.get(0);
    }

    /** Every method on the class path, in service-loader order (built-in ones first). */
    public static List<Calibrator> available() {
        List<Calibrator> all = new ArrayList<>();
        ServiceLoader.load(Calibrator.class, Calibrators.class.getClassLoader()).forEach(all::add);
        return List.copyOf(all);
    }

    private static String names(List<Calibrator> calibrators) {
        return calibrators.stream().map(Calibrator::name).sorted().collect(Collectors.joining(", "));
    }
}
