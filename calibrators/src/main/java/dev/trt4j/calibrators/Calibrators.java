package dev.trt4j.calibrators;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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

    private static final Map<String, Class<?>> BUILT_IN_BY_NAME = Map.of("max", MaxCalibrator.class,
            "entropy", EntropyCalibrator.class, "percentile", PercentileCalibrator.class, "mse", MseCalibrator.class);

    private Calibrators() {
    }

    /**
     * The method called {@code name} (case-insensitive).
     *
     * @throws CalibrationException if no method, or more than one, has that name; the message lists the
     *                              available names
     */
    public static Calibrator byName(String name) {
        String wanted = Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
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
     * class is missing or fails to construct, whose name is not a lower-case file-name-safe word, or which calls
     * itself by a built-in method's name, is left out, so one broken jar does not take the built-in methods with it;
     * {@link #byName} names it when it is asked for.
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
        } catch (LinkageError e) {
            throw new CalibrationException(method + " failed: " + e + " (a class the plug-in needs is missing from "
                    + "the class path, or was built for another version)", e);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            // Errors a plug-in's own code raises, not the JVM's state: they say nothing about trt4j's health.
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
        // built-in ones first, as documented, whatever order the class path lists the jars in
        List<Calibrator> ordered = new ArrayList<>(all.stream().filter(Calibrators::isBuiltIn).toList());
        all.stream().filter(c -> !isBuiltIn(c)).forEach(ordered::add);
        return List.copyOf(ordered);
    }

    /**
     * Why {@code context}'s methods cannot be used here when it loads its own {@link Calibrator} (a second trt4j, as
     * in a web application that bundles one): each of them would fail as "not a subtype", built-in ones included,
     * though this copy's methods work. Null when it shares this copy's interface. A loader that cannot see
     * the interface at all (one made without trt4j's loader as its parent) cannot load any plug-in either: the
     * reason then names the plug-ins it lists.
     */
    private static String otherCopyOfCalibrator(ClassLoader context) {
        Class<?> theirs;
        try {
            theirs = Class.forName(Calibrator.class.getName(), false, context);
        } catch (ClassNotFoundException | LinkageError e) {
            List<String> listed = ServiceFiles.providers(context, Calibrator.class);
            return listed.isEmpty() ? null
                    : "the thread's context class loader cannot see " + Calibrator.class.getName() + ", so the "
                    + "methods it lists (" + String.join(", ", listed) + ") cannot load; make trt4j's class "
                    + "loader its parent";
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
                String name = nameOf(c, broken);
                if (name == null) {
                    continue;
                }
                if (!VALID_NAME.matcher(name).matches()) {
                    broken.add(c.getClass().getName() + " calls itself '" + name + "', not lower-case letters, "
                            + "digits, '.', '_' or '-' (the name is used in file names)");
                    continue;
                }
                if (takesBuiltInName(c, name, broken)) {
                    continue;
                }
                all.add(c);
            } catch (ServiceConfigurationError | RuntimeException | LinkageError | AssertionError e) {
                broken.add(reason(e));
            }
        }
    }

    /** {@code c.name()}, or null with the reason added to {@code broken} when it throws or gives null. */
    private static String nameOf(Calibrator c, Set<String> broken) {
        try {
            String name = c.name();
            if (name == null) {
                broken.add(c.getClass().getName() + " calls itself null (name() returned null)");
            }
            return name;
        } catch (RuntimeException | LinkageError | AssertionError e) {
            broken.add(c.getClass().getName() + ": name() failed: " + e);
            return null;
        }
    }

    /**
     * Whether {@code c} is a plug-in calling itself by a built-in method's name, with the reason added to
     * {@code broken}: the built-in methods keep working whatever is on the class path, and in whatever order
     * (`calibrate`'s default set would otherwise stop at a name two classes claim).
     */
    static boolean takesBuiltInName(Calibrator c, String name, Set<String> broken) {
        Class<?> builtIn = BUILT_IN_BY_NAME.get(name);
        if (builtIn == null || c.getClass() == builtIn) {
            return false;
        }
        broken.add(c.getClass().getName() + " calls itself '" + name + "', the name of the built-in "
                + builtIn.getName() + "; give it a name of its own");
        return true;
    }

    private static boolean isBuiltIn(Calibrator c) {
        return BUILT_IN_BY_NAME.containsValue(c.getClass());
    }

    /** ServiceLoader's errors name the provider in the message; a bare exception says what it is only in toString. */
    private static String reason(Throwable e) {
        String text = e.getMessage() != null ? e.getMessage() : e.toString();
        return text + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
    }

    private static String names(List<Calibrator> calibrators) {
        return calibrators.stream().map(Calibrator::name).sorted().collect(Collectors.joining(", "));
    }
}
