package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.table.CalibrationTable;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything a user asks of an engine build, validated for consistency on {@link Builder#build()}. Absent
 * values mean TensorRT's or trt4j's default. Decisions that need the model (strong typing, the calibration
 * shapes, table/model agreement) are taken later by {@link EngineBuildPlanner}.
 *
 * <p>Samples are given as a {@link CalibrationSamples} that the build opens at its calibration shapes, when it
 * needs them, and closes.
 */
public final class EngineBuildRequest {
    private final Path model;
    private final Precision precision;
    private final Int8Mode int8Mode;
    private final CalibratorChoice calibrator;
    private final Path tableFile;
    private final CalibrationTable table;
    private final Path calibrationCache;
    private final boolean anyModelTable;
    private final CalibrationSamples samples;
    private final StateFeedback feedback;
    private final boolean rangePass;
    private final List<OptimizationProfile> profiles;
    private final int calibrationProfile;
    private final Path timingCache;
    private final Long workspaceBytes;
    private final Integer optimizationLevel;
    private final boolean stronglyTyped;

    private EngineBuildRequest(Builder b) {
        this.model = b.model;
        this.precision = b.precision;
        this.int8Mode = b.int8Mode;
        this.calibrator = b.calibrator;
        this.tableFile = b.tableFile;
        this.table = b.table;
        this.calibrationCache = b.calibrationCache;
        this.anyModelTable = b.anyModelTable;
        this.samples = b.samples;
        this.feedback = b.feedback;
        this.rangePass = b.rangePass;
        this.profiles = List.copyOf(b.profiles);
        this.calibrationProfile = b.calibrationProfile;
        this.timingCache = b.timingCache;
        this.workspaceBytes = b.workspaceBytes;
        this.optimizationLevel = b.optimizationLevel;
        this.stronglyTyped = b.stronglyTyped;
    }

    /** A builder for a request on {@code model} at {@code precision}. */
    public static Builder builder(Path model, Precision precision) {
        return new Builder(model, precision);
    }

    /** The ONNX model to build. */
    public Path model() {
        return model;
    }

    /** The precision asked for. */
    public Precision precision() {
        return precision;
    }

    /**
     * The INT8 mode as far as the request alone says: the one chosen, else {@link Int8Mode#IMPLICIT}; empty for
     * builds at other precisions. {@link #int8ModeFor} decides with the model.
     */
    public Optional<Int8Mode> int8Mode() {
        if (precision != Precision.INT8) {
            return Optional.empty();
        }
        return Optional.of(int8Mode == null ? Int8Mode.IMPLICIT : int8Mode);
    }

    /**
     * The INT8 mode of this request for a model with or without Q/DQ nodes: the one chosen; where none was, explicit
     * for a model that carries Q/DQ nodes (its scales are its ranges) unless the request gives a calibrator what it
     * reads (a calibrator, a table, a cache, samples or a calibration profile), implicit otherwise. Empty for builds
     * at other precisions.
     */
    public Optional<Int8Mode> int8ModeFor(boolean modelHasQdq) {
        if (precision != Precision.INT8) {
            return Optional.empty();
        }
        if (int8Mode != null) {
            return Optional.of(int8Mode);
        }
        return Optional.of(modelHasQdq && !givesCalibratorInput() ? Int8Mode.EXPLICIT : Int8Mode.IMPLICIT);
    }

    /** The refusal of a strongly typed implicit INT8 build, in the words of every place that finds one. */
    static InvalidOptionException stronglyTypedImplicit() {
        return new InvalidOptionException("--strongly-typed cannot be combined with implicit INT8; use --int8-mode "
                + "explicit with a Q/DQ model from trt4j quantize");
    }

    /** Whether the INT8 mode was chosen rather than left to {@link #int8ModeFor}. */
    public boolean int8ModeChosen() {
        return int8Mode != null;
    }

    private boolean givesCalibratorInput() {
        return calibrator != null || tableFile != null || table != null || calibrationCache != null || samples != null
                || calibrationProfile != 0;
    }

    /** The calibrator the caller chose, empty where the default applies (a table's own method comes first). */
    Optional<CalibratorChoice> chosenCalibrator() {
        return Optional.ofNullable(calibrator);
    }

    /** The calibrator of an implicit INT8 build; {@link CalibratorChoice#ENTROPY} by default. */
    public Optional<CalibratorChoice> calibrator() {
        if (int8Mode().orElse(null) != Int8Mode.IMPLICIT) {
            return Optional.empty();
        }
        return Optional.of(calibrator == null ? CalibratorChoice.ENTROPY : calibrator);
    }

    /** trt4j's ranges as a table file (from {@code trt4j calibrate}). */
    public Optional<Path> tableFile() {
        return Optional.ofNullable(tableFile);
    }

    /** trt4j's ranges held in memory. */
    public Optional<CalibrationTable> table() {
        return Optional.ofNullable(table);
    }

    /** Whether the table is used though it was made for another model ({@code build --force}). */
    public boolean anyModelTable() {
        return anyModelTable;
    }

    /** A TensorRT calibration cache to read (and, for TensorRT's calibrators, to write). */
    public Optional<Path> calibrationCache() {
        return Optional.ofNullable(calibrationCache);
    }

    /** The sample batches: what TensorRT's calibrators calibrate on and what trt4j computes its ranges from. */
    public Optional<CalibrationSamples> samples() {
        return Optional.ofNullable(samples);
    }

    /** The state links of a streaming model, fed back while trt4j computes its ranges from the samples. */
    public StateFeedback feedback() {
        return feedback;
    }

    /**
     * Whether trt4j's ranges come from two passes over the samples (see
     * {@link dev.trt4j.stats.StatisticsOptions#rangePass()}).
     */
    public boolean rangePass() {
        return rangePass;
    }

    /**
     * True when trt4j computes the ranges from the samples during the build: implicit INT8 with one of trt4j's
     * calibrators, samples, and neither a table nor a cache.
     */
    public boolean computesRanges() {
        return calibrator().map(CalibratorChoice::isTrt4jAlgorithm).orElse(false) && samples != null
                && tableFile == null && table == null && calibrationCache == null;
    }

    /** The optimization profiles, in order; empty only for a model whose inputs all have fixed shapes. */
    public List<OptimizationProfile> profiles() {
        return profiles;
    }

    /** Index of the profile whose opt shapes calibration uses (trtexec's {@code --calibProfile}). */
    public int calibrationProfile() {
        return calibrationProfile;
    }

    /** A timing cache file, loaded when present and saved after the build. */
    public Optional<Path> timingCache() {
        return Optional.ofNullable(timingCache);
    }

    /** The builder's workspace limit in bytes; empty means TensorRT's default. */
    public OptionalLong workspaceBytes() {
        return workspaceBytes == null ? OptionalLong.empty() : OptionalLong.of(workspaceBytes);
    }

    /** TensorRT's builder optimization level, 0..5; empty means TensorRT's default (3). */
    public OptionalInt optimizationLevel() {
        return optimizationLevel == null ? OptionalInt.empty() : OptionalInt.of(optimizationLevel);
    }

    /** True when the user asked for a strongly typed network. */
    public boolean stronglyTyped() {
        return stronglyTyped;
    }

    /** Collects the fields of a request. */
    public static final class Builder {
        private final Path model;
        private final Precision precision;
        private Int8Mode int8Mode;
        private CalibratorChoice calibrator;
        private Path tableFile;
        private CalibrationTable table;
        private Path calibrationCache;
        private boolean anyModelTable;
        private CalibrationSamples samples;
        private StateFeedback feedback = StateFeedback.NONE;
        private boolean rangePass;
        private List<OptimizationProfile> profiles = List.of();
        private int calibrationProfile;
        private Path timingCache;
        private Long workspaceBytes;
        private Integer optimizationLevel;
        private boolean stronglyTyped;

        private Builder(Path model, Precision precision) {
            this.model = Objects.requireNonNull(model, "model");
            this.precision = Objects.requireNonNull(precision, "precision");
        }

        /**
         * How an INT8 build gets its ranges; only for {@link Precision#INT8}. If unset, a model with Q/DQ nodes is
         * built explicitly unless calibrator options are given, others implicitly ({@link EngineBuildRequest#int8ModeFor}).
         */
        public Builder int8Mode(Int8Mode mode) {
            this.int8Mode = mode;
            return this;
        }

        /** The calibrator of an implicit INT8 build; {@link CalibratorChoice#ENTROPY} if unset. */
        public Builder calibrator(CalibratorChoice choice) {
            this.calibrator = choice;
            return this;
        }

        /** trt4j's ranges for max/entropy/percentile/mse, from a table file written by {@code trt4j calibrate}. */
        public Builder table(Path file) {
            this.tableFile = file;
            this.table = null;
            return this;
        }

        /** trt4j's ranges for max/entropy/percentile/mse, held in memory. */
        public Builder table(CalibrationTable ranges) {
            this.table = ranges;
            this.tableFile = null;
            return this;
        }

        /**
         * Use the table (file or in memory) though it was made for another model: its provenance records another
         * model's SHA-256 or, recording none, it names tensors the model lacks ({@code build --force}, as
         * {@code quantize --force}). It does not cover a table of another grid than signed 8-bit.
         */
        public Builder anyModelTable(boolean anyModel) {
            this.anyModelTable = anyModel;
            return this;
        }

        /** A calibration cache to use (and, for TensorRT's calibrators, to write). */
        public Builder calibrationCache(Path cache) {
            this.calibrationCache = cache;
            return this;
        }

        /**
         * Sample batches: TensorRT's calibrators calibrate on them; trt4j's compute their ranges from them on
         * the CPU when neither a table nor a cache is given.
         */
        public Builder samples(CalibrationSamples opener) {
            this.samples = opener;
            return this;
        }

        /**
         * State links of a streaming model: when trt4j computes the ranges from the samples, each batch gets the
         * state outputs of the one before (TensorRT's own calibrators read independent batches and cannot).
         */
        public Builder feedback(StateFeedback links) {
            this.feedback = Objects.requireNonNull(links, "links");
            return this;
        }

        /** Computes trt4j's ranges in two passes over the samples, histograms starting at the data's range. */
        public Builder rangePass(boolean twoPasses) {
            this.rangePass = twoPasses;
            return this;
        }

        /** The optimization profiles (trtexec's {@code --minShapes/--optShapes/--maxShapes}), in order. */
        public Builder profiles(List<OptimizationProfile> optimizationProfiles) {
            this.profiles = List.copyOf(optimizationProfiles);
            return this;
        }

        /** Index into {@link #profiles} of the profile whose opt shapes calibration uses; 0 if unset. */
        public Builder calibrationProfile(int index) {
            this.calibrationProfile = index;
            return this;
        }

        /** A timing cache file: loaded when present, merged with the build's timings and saved. */
        public Builder timingCache(Path file) {
            this.timingCache = file;
            return this;
        }

        /** The builder's workspace limit in bytes, positive. */
        public Builder workspaceBytes(long bytes) {
            this.workspaceBytes = bytes;
            return this;
        }

        /** TensorRT's builder optimization level, 0..5 (TensorRT's default is 3). */
        public Builder optimizationLevel(int level) {
            this.optimizationLevel = level;
            return this;
        }

        /** Builds a strongly typed network (tensor types from the model); not with implicit INT8. */
        public Builder stronglyTyped(boolean strong) {
            this.stronglyTyped = strong;
            return this;
        }

        /**
         * Validates and builds the request.
         *
         * @throws Trt4jException naming the options that do not go together
         */
        public EngineBuildRequest build() {
            boolean int8 = precision == Precision.INT8;
            if (int8Mode != null && !int8) {
                throw new InvalidOptionException("--int8-mode applies only to --precision int8");
            }
            boolean implicit = int8 && (int8Mode == null || int8Mode == Int8Mode.IMPLICIT);
            if (!implicit) {
                String what = int8 ? "--precision int8 --int8-mode explicit (the scales are in the model's Q/DQ nodes)"
                        : "--precision " + precision.cliName();
                if (calibrator != null) {
                    throw new InvalidOptionException("--calibrator does not apply to " + what);
                }
                if (tableFile != null || table != null || calibrationCache != null) {
                    throw new InvalidOptionException("--table/--cache do not apply to " + what);
                }
                if (samples != null) {
                    throw new InvalidOptionException("--data does not apply to " + what);
                }
                if (calibrationProfile != 0) {
                    // 0 is the default: only another profile says the user expected calibration to use it.
                    throw new InvalidOptionException("--calib-profile does not apply to " + what);
                }
            }
            // an unset mode is settled with the model (EngineBuildPlanner), which refuses this pair there
            if (int8 && int8Mode == Int8Mode.IMPLICIT && stronglyTyped) {
                throw stronglyTypedImplicit();
            }
            if ((tableFile != null || table != null) && calibrationCache != null) {
                throw new InvalidOptionException("give either --table or --cache, not both");
            }
            if (anyModelTable && tableFile == null && table == null) {
                // a cache records no model and is judged by its inputs, which --force would not change
                throw new InvalidOptionException("--force applies to --table (a table made for another model); this "
                        + "build has no --table");
            }
            if (optimizationLevel != null && (optimizationLevel < 0 || optimizationLevel > 5)) {
                throw new InvalidOptionException("--opt-level must be 0..5, got " + optimizationLevel);
            }
            if (workspaceBytes != null && workspaceBytes < 1) {
                throw new InvalidOptionException("--workspace must be positive, got " + workspaceBytes + " bytes");
            }
            if (calibrationProfile < 0) {
                throw new InvalidOptionException("--calib-profile must be >= 0, got " + calibrationProfile);
            }
            return new EngineBuildRequest(this);
        }
    }
}
