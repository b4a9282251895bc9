package dev.trt4j.calibrators;

/**
 * Plug-ins that break the contract, registered in src/test/resources META-INF/services beside a class that does not
 * exist: the built-in methods must keep working, and each fault must be named.
 */
final class MisbehavingCalibrators {
    private MisbehavingCalibrators() {
    }

    /** Returns NaN, which a table cannot hold. */
    public static final class NanAmax implements Calibrator {
        @Override
        public String name() {
            return "nan-amax";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return Float.NaN;
        }
    }

    /** Calls itself by a name that would be a path step in the output folder. */
    public static final class PathName implements Calibrator {
        @Override
        public String name() {
            return "../escaped";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 1f;
        }
    }

    /** Fails as it is made. */
    public static final class FailingConstructor implements Calibrator {
        public FailingConstructor() {
            throw new IllegalStateException("cannot start");
        }

        @Override
        public String name() {
            return "never";
        }

        @Override
        public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
            return 1f;
        }
    }
}
