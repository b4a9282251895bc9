package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.BatchStager;
import dev.trt4j.engine.CalibrationPlan;
import dev.trt4j.engine.InputSlot;
import dev.trt4j.engine.TensorRtVersion;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What TensorRT's calibrator callbacks do, shared by both calibrator classes: hand over the cache, feed sample
 * batches through pinned host buffers into device buffers bound by input name, and keep the cache TensorRT
 * writes. Owns the cache memory and the buffers, which stay allocated until {@link #close()}, after the build.
 *
 * <p>Every callback catches everything: a failure is remembered ({@link #failure()}), logged, and answered
 * with TensorRT's "no more data" / "no cache" value, so the build fails and reports it instead of crashing.
 */
final class CalibrationFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationFeed.class);

    private final CalibrationPlan plan;
    private final BatchStager stager;
    private final CalibrationDataSource data;
    private final BytePointer cache;
    private final long cacheLength;
    private final List<PinnedHostBuffer> host = new ArrayList<>();
    private final List<DeviceBuffer> device = new ArrayList<>();
    private volatile Trt4jException failure;
    private volatile byte[] written;
    private volatile boolean cacheRead;
    private int batches;

    /**
     * Prepares the hand-off for {@code version}.
     *
     * @throws Trt4jException when the cache is rejected for this TensorRT version
     */
    CalibrationFeed(CalibrationPlan plan, Optional<CalibrationDataSource> data, TensorRtVersion version) {
        this.plan = plan;
        this.stager = new BatchStager(plan.staging());
        this.data = data.orElse(null);
        Optional<byte[]> bytes = plan.handoff().bytesFor(version);
        if (bytes.isPresent()) {
            this.cache = new BytePointer(bytes.get().length);
            this.cache.put(bytes.get());
            this.cacheLength = bytes.get().length;
        } else {
            this.cache = null;
            this.cacheLength = 0;
        }
    }

    /** {@code IInt8Calibrator::getBatch}: device pointers for the next batch, or false at the end. */
    boolean getBatch(PointerPointer<?> bindings, PointerPointer<?> names, int count) {
        try {
            if (failure != null) {
                return false;
            }
            if (data == null || (plan.handoff().isPresent() && plan.choice().isTrt4jAlgorithm())) {
                failure = new Trt4jException("TensorRT did not accept the calibration cache from " + plan.handoff().source()
                        + " and asked for sample batches; no engine was built with other ranges ("
                        + TrtLogger.shared().lastError().map(e -> "TensorRT: " + e).orElse("TensorRT gave no reason")
                        + ")");
                LOG.debug(failure.getMessage()); // the build fails with it: printed once, there
                return false;
            }
            List<String> requested = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                requested.add(names.getString(i));
            }
            int[] slots = stager.slotIndices(requested);
            Optional<Batch> next = data.next();
            if (next.isEmpty()) {
                LOG.info("calibration data exhausted after {} batches", batches);
                return false;
            }
            if (stager.isShortFinalBatch(next.get())) {
                LOG.warn("dropping the last batch of {} samples: calibration runs at one fixed shape", next.get().size());
                return false;
            }
            allocateBuffers();
            stager.stage(next.get(), name -> host.get(stager.names().indexOf(name)).buffer());
            for (int i = 0; i < host.size(); i++) {
                NativeCalls.check(cudart.cudaMemcpy(device.get(i).pointer(), host.get(i).pointer(), host.get(i).bytes(),
                        cudart.cudaMemcpyHostToDevice), "cudaMemcpy of calibration input '" + stager.names().get(i) + "'");
            }
            for (int i = 0; i < count; i++) {
                bindings.put(i, device.get(slots[i]).pointer());
            }
            batches++;
            return true;
        } catch (Trt4jException e) {
            failure = e;
            LOG.debug("calibration stopped: {}", e.getMessage()); // the build fails with it
            return false;
        } catch (Throwable t) {
            failure = new Trt4jException("calibration stopped: " + t, t);
            LOG.debug("calibration stopped", t); // the build fails with it; the trace only on request
            return false;
        }
    }

    /** {@code IInt8Calibrator::readCalibrationCache}: the handed-over cache, or null to calibrate. */
    Pointer readCalibrationCache(LongPointer length) {
        try {
            if (cache == null) {
                length.put(0L);
                return null;
            }
            cacheRead = true;
            length.put(cacheLength);
            LOG.info("TensorRT reads {} ranges from {}", plan.handoff().tensorCount(), plan.handoff().source());
            return cache;
        } catch (Throwable t) {
            // returning null would make TensorRT calibrate on its own, a build with other ranges than asked for
            failure = new Trt4jException("handing the calibration cache from " + plan.handoff().source()
                    + " to TensorRT failed: " + t, t);
            LOG.debug("readCalibrationCache failed", t);
            return null;
        }
    }

    /** {@code IInt8Calibrator::writeCalibrationCache}: keeps a copy; saved only after a successful build. */
    void writeCalibrationCache(Pointer ptr, long length) {
        try {
            byte[] bytes = new byte[Math.toIntExact(length)];
            new BytePointer(ptr).capacity(length).get(bytes);
            written = bytes;
            LOG.info("TensorRT wrote a calibration cache of {} bytes", length);
        } catch (Throwable t) {
            // the build would succeed without the cache it was asked to write back
            failure = new Trt4jException("keeping the calibration cache TensorRT wrote failed: " + t, t);
            LOG.debug("writeCalibrationCache failed", t);
        }
    }

    /** The failure that stopped calibration, if any. */
    Optional<Trt4jException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The cache TensorRT wrote, if it wrote one. */
    Optional<byte[]> written() {
        return Optional.ofNullable(written);
    }

    /** True once TensorRT read the handed-over cache. */
    boolean cacheRead() {
        return cacheRead;
    }

    private void allocateBuffers() {
        if (!host.isEmpty()) {
            return;
        }
        for (InputSlot slot : stager.slots()) {
            host.add(new PinnedHostBuffer("input '" + slot.name() + "'", slot.byteSize()));
            device.add(new DeviceBuffer(slot.byteSize()));
        }
    }

    @Override
    public void close() {
        device.forEach(DeviceBuffer::close);
        host.forEach(PinnedHostBuffer::close);
        device.clear();
        host.clear();
        if (cache != null) {
            cache.close();
        }
    }
}
