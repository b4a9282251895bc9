package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.CalibrationPlan;
import dev.trt4j.engine.EngineBuildPlan;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.InputSlot;
import dev.trt4j.engine.OptimizationProfile;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.engine.TensorRtVersion;
import dev.trt4j.engine.TrtCalibrationAlgorithm;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import org.bytedeco.tensorrt.global.nvinfer.NetworkDefinitionCreationFlag;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.IInt8Calibrator;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Executes one {@link EngineBuildPlan} with TensorRT 10.15: builder, network (strongly typed when the plan
 * says so), ONNX parser, config (flags, profiles, calibration, timing cache, workspace, optimization level),
 * then {@code buildSerializedNetwork}. Decides nothing the plan has not decided.
 *
 * <p>Lifetimes: the calibrator, its feed and the profiles are fields, alive until {@link #run()} returns, and
 * released in reverse order of creation after the build call; the logger is the process-wide
 * {@link TrtLogger#shared()}. TensorRT objects returned by its factories are not owned by JavaCPP (closing
 * their wrappers does not delete them), so a long-lived JVM keeps the builder's host memory of each build.
 */
@SuppressWarnings("deprecation") // calibrators, INT8/FP16 flags and calibration profiles are deprecated TensorRT 10 API
final class TrtBuild {
    private static final Logger LOG = LoggerFactory.getLogger(TrtBuild.class);

    private final EngineBuildPlan plan;
    private final Optional<CalibrationDataSource> data;
    private final TrtLogger logger = TrtLogger.shared();
    private final List<Pointer> owned = new ArrayList<>();
    private final List<IOptimizationProfile> profiles = new ArrayList<>();
    private CalibrationFeed feed;
    private IInt8Calibrator calibrator;

    TrtBuild(EngineBuildPlan plan, Optional<CalibrationDataSource> data) {
        this.plan = plan;
        this.data = data;
    }

    /**
     * Builds the engine.
     *
     * @throws Trt4jException naming the failing step and TensorRT's reason
     */
    TrtBuiltEngine run() {
        TensorRtVersion version = NativeLibraries.tensorRtVersion();
        GpuDevice gpu = CudaDevices.current();
        logger.clearErrors();
        try {
            IBuilder builder = own(nvinfer.createInferBuilder(logger), "createInferBuilder");
            int flags = plan.stronglyTyped() ? 1 << NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value : 0;
            INetworkDefinition network = own(builder.createNetworkV2(flags), "createNetworkV2");
            IParser parser = own(nvonnxparser.createParser(network, logger), "createParser");
            OnnxParse.parse(parser, plan.model().file());
            IBuilderConfig config = own(builder.createBuilderConfig(), "createBuilderConfig");
            configure(builder, network, config, version);
            TimingCacheFile timing = plan.timingCache().map(f -> TimingCacheFile.install(f, config, logger)).orElse(null);
            LOG.info("TensorRT {} builds {} for {} (SM {}){}", version, plan.model().name(), gpu.name(),
                    gpu.computeCapability(), plan.stronglyTyped() ? ", strongly typed" : "");
            IHostMemory serialized = builder.buildSerializedNetwork(network, config);
            if (serialized == null || serialized.isNull()) {
                throw failure(gpu);
            }
            if (feed != null && feed.failure().isPresent()) {
                serialized.close();
                throw feed.failure().get();
            }
            if (feed != null && plan.calibration().get().handoff().isPresent() && !feed.cacheRead()) {
                LOG.warn("TensorRT never read the calibration cache from {}: the engine may have no INT8 layers",
                        plan.calibration().get().handoff().source());
            }
            Optional<byte[]> timingBytes = timing == null ? Optional.empty() : Optional.of(timing.merged(config, logger));
            Optional<byte[]> cache = feed == null ? Optional.empty() : feed.written();
            return new TrtBuiltEngine(serialized, version, gpu, cache, timingBytes);
        } finally {
            release();
        }
    }

    private void configure(IBuilder builder, INetworkDefinition network, IBuilderConfig config, TensorRtVersion version) {
        if (plan.fp16Flag()) {
            config.setFlag(BuilderFlag.kFP16);
        }
        if (plan.int8Flag()) {
            config.setFlag(BuilderFlag.kINT8);
        }
        plan.workspaceBytes().ifPresent(bytes -> config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, bytes));
        plan.optimizationLevel().ifPresent(config::setBuilderOptimizationLevel);
        for (int p = 0; p < plan.profiles().size(); p++) {
            IOptimizationProfile profile = own(builder.createOptimizationProfile(), "createOptimizationProfile");
            for (Map.Entry<String, ShapeRange> e : plan.profiles().get(p).inputs().entrySet()) {
                setDimensions(profile, p, e.getKey(), OptProfileSelector.kMIN, e.getValue().min());
                setDimensions(profile, p, e.getKey(), OptProfileSelector.kOPT, e.getValue().opt());
                setDimensions(profile, p, e.getKey(), OptProfileSelector.kMAX, e.getValue().max());
            }
            if (!profile.isValid() || config.addOptimizationProfile(profile) < 0) {
                throw new Trt4jException("TensorRT refused optimization profile " + p + ": "
                        + logger.lastError().orElse("no reason given"));
            }
            profiles.add(profile);
        }
        if (plan.calibration().isPresent()) {
            configureCalibration(network, config, plan.calibration().get(), version);
        }
    }

    private void configureCalibration(INetworkDefinition network, IBuilderConfig config, CalibrationPlan calibration,
            TensorRtVersion version) {
        List<String> networkInputs = new ArrayList<>();
        for (int i = 0; i < network.getNbInputs(); i++) {
            networkInputs.add(network.getInput(i).getName());
        }
        List<String> staged = calibration.staging().stream().map(InputSlot::name).toList();
        if (!networkInputs.equals(staged)) {
            throw new Trt4jException("TensorRT's network inputs " + networkInputs + " differ from the model's " + staged);
        }
        feed = new CalibrationFeed(calibration, data, version);
        calibrator = calibration.handoff().algorithm() == TrtCalibrationAlgorithm.MINMAX_CALIBRATION
                ? new MinMaxCalibratorBridge(feed) : new EntropyCalibrator2Bridge(feed);
        config.setInt8Calibrator(calibrator);
        if (!profiles.isEmpty() && !config.setCalibrationProfile(profiles.get(calibration.profileIndex()))) {
            throw new Trt4jException("TensorRT refused calibration profile " + calibration.profileIndex() + ": "
                    + logger.lastError().orElse("no reason given"));
        }
        LOG.info("INT8 calibrator {} ({}), ranges from {}", calibration.choice().cliName(),
                calibration.handoff().algorithm().cacheToken(),
                calibration.handoff().isPresent() ? calibration.handoff().source() : "sample batches");
    }

    private void setDimensions(IOptimizationProfile profile, int p, String input, OptProfileSelector which, long[] shape) {
        try (Dims64 dims = TrtTypes.dims(shape)) {
            if (!profile.setDimensions(input, which, dims)) {
                throw new Trt4jException("profile " + p + ": TensorRT refused the " + which + " shape of input '" + input
                        + "': " + logger.lastError().orElse("no reason given"));
            }
        }
    }

    private Trt4jException failure(GpuDevice gpu) {
        if (feed != null && feed.failure().isPresent()) {
            return feed.failure().get();
        }
        String error = logger.lastError().orElse("no error reported (run with -Dorg.slf4j.simpleLogger.defaultLogLevel=debug)");
        Optional<String> missingKernels = BuilderKernels.explain(error, gpu);
        return new Trt4jException("TensorRT could not build " + plan.model().name() + ": " + missingKernels.orElse(error));
    }

    private <P extends Pointer> P own(P pointer, String call) {
        if (pointer == null || pointer.isNull()) {
            throw new Trt4jException(call + " failed: " + logger.lastError().orElse("TensorRT returned null"));
        }
        owned.add(pointer);
        return pointer;
    }

    /** Releases in reverse order of creation, callback objects last. */
    private void release() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
        if (calibrator != null) {
            calibrator.close();
        }
        if (feed != null) {
            feed.close();
        }
    }
}
