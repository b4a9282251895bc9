package dev.trt4j.calibrators;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds calibration methods by name among the {@link Calibrator} implementations on the class path
 * ({@link ServiceLoader}): the four built in ({@code max}, {@code entropy}, {@code percentile}, {@code mse}) and any
 * listed by another jar in {@code META-INF/services/dev.trt4j.calibrators.Calibrator}, seen by trt4j's class loader
 * or by the calling thread's context class loader (where an application server or plug-in host puts a user's jars).
 * A class seen through both, even loaded twice by a loader that looks in its own jars first, counts once.
 */
public final class Calibrators {
    /** Starts with a letter or digit, so that it is neither hidden nor a path step such as {@code ..}. */
    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

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
        List<String> broken = new ArrayList<>();
        List<Calibrator> all = load(broken);
        List<Calibrator> matches = all.stream().filter(c -> c.name().equals(wanted)).toList();
        if (matches.isEmpty()) {
            // a broken plug-in may be the one asked for: say so, rather than only that the name is unknown
            throw new CalibrationException("unknown calibration method '" + name + "'; available: " + names(all)
                    + (broken.isEmpty() ? "" : "; not loaded: " + String.join("; ", broken)));
        }
        if (matches.size() > 1) {
            throw new CalibrationException("calibration method '" + wanted + "' is provided by several classes ("
                    + matches.stream().map(c -> c.getClass().getName()).collect(Collectors.joining(", "))
                    + "); remove all but one from the class path");
        }
        return matches.get(0);
    }

    /**
     * Every method on the class path that loads, in service-loader order (built-in ones first). A plug-in whose
     * class is missing or fails to construct, or whose name is not a lower-case file-name-safe word, is left out,
     * so one broken jar does not take the built-in methods with it; {@link #byName} names it when it is asked for.
     */
    public static List<Calibrator> available() {
        return discover().methods();
    }

    /**
     * The plug-ins {@link #available()} left out, each with why (a missing class, a failing constructor, an invalid
     * name); empty when every listed method loads.
     */
    public static List<String> notLoaded() {
        return discover().notLoaded();
    }

    /**
     * {@link #available()} and {@link #notLoaded()} from one look at the class path: each call loads every plug-in
     * anew, so a listing that asks both separately would construct each twice.
     */
    public static Discovery discover() {
        List<String> broken = new ArrayList<>();
        List<Calibrator> methods = load(broken);
        return new Discovery(methods, broken);
    }

    /**
     * What one look at the class path found.
     *
     * @param methods   every method that loads, built-in ones first
     * @param notLoaded each plug-in left out, with why
     */
    public record Discovery(List<Calibrator> methods, List<String> notLoaded) {
        /** Copies both lists. */
        public Discovery {
            methods = List.copyOf(methods);
            notLoaded = List.copyOf(notLoaded);
        }
    }

    /**
     * The amax {@code calibrator} picks for {@code statistics}, checked: a plug-in's unexpected exception, or a
     * result that is not a finite amax ≥ 0, is a {@link CalibrationException} naming the method and the tensor.
     */
    public static float amax(Calibrator calibrator, TensorStatistics statistics, CalibrationOptions options) {
        String method = "tensor '" + statistics.name() + "': calibration method '" + calibrator.name() + "' ("
                + calibrator.getClass().getName() + ")";
        float amax;
        try {
            amax = calibrator.computeAmax(statistics, options);
        } catch (CalibrationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CalibrationException(method + " failed: " + e, e);
        }
        if (!Amax.isValid(amax)) {
            throw new CalibrationException(method + " gave amax " + amax + ", not a finite amax >= 0");
        }
        return amax;
    }

    private static List<Calibrator> load(List<String> broken) {
        List<Calibrator> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        ClassLoader own = Calibrators.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        // Own loader first, so the built-in methods come first; a context loader usually delegates to it, so its
        // providers show up again there and count once.
        loadFrom(own, all, seen, reasons);
        if (context != null && context != own) {
            String otherCopy = otherCopyOfCalibrator(context);
            if (otherCopy == null) {
                loadFrom(context, all, seen, reasons);
            } else {
                reasons.add(otherCopy);
            }
        }
        broken.addAll(reasons);
        return List.copyOf(all);
    }

    /**
     * Why {@code context}'s methods cannot be used here when it loads its own {@link Calibrator} (a second trt4j, as
     * in a web application that bundles one): each of them would fail as "not a subtype", built-in ones included,
     * though this copy's methods work. Null when it shares this copy's interface, or cannot see one at all (then
     * each plug-in it lists fails on its own, naming itself).
     */
    private static String otherCopyOfCalibrator(ClassLoader context) {
        Class<?> theirs;
        try {
            theirs = Class.forName(Calibrator.class.getName(), false, context);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (theirs == Calibrator.class) {
            return null;
        }
        CodeSource source = theirs.getProtectionDomain().getCodeSource();
        String from = source != null && source.getLocation() != null ? " (from " + source.getLocation() + ")" : "";
        return "the thread's context class loader has its own copy of " + Calibrator.class.getName() + from
                + ": the methods it lists are for that trt4j and are left out";
    }

    private static void loadFrom(ClassLoader loader, List<Calibrator> all, Set<String> seen, Set<String> broken) {
        Iterator<Calibrator> it = ServiceLoader.load(Calibrator.class, loader).iterator();
        // after an error the iterator goes on to the next provider; the bound only guards against one that repeats
        for (int attempts = 0; attempts < 10_000; attempts++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                Calibrator c = it.next();
                // by name: a context loader that looks in its own jars first loads a plug-in on both class paths
                // again, as a second class of the same name
                if (!seen.add(c.getClass().getName())) {
                    continue;
                }
                String name = c.name();
                if (name == null || !VALID_NAME.matcher(name).matches()) {
                    broken.add(c.getClass().getName() + " calls itself '" + name + "', not lower-case letters, "
                            + "digits, '.', '_' or '-' (the name is used in file names)");
                } else {
                    all.add(c);
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                broken.add(e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            }
        }
    }

    private static String names(List<Calibrator> calibrators) {
        return calibrators.stream().map(Calibrator::name).sorted().collect(Collectors.joining(", "));
    }
}
