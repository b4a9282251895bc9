package dev.trt4j.tensorrt;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.nvinfer.IInt8EntropyCalibrator2;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's {@code IInt8EntropyCalibrator2}, answered by a {@link CalibrationFeed}. TensorRT keeps a raw
 * pointer to the C++ peer, whose link back to this object is weak: the build holds this object in a field
 * until {@code buildSerializedNetwork} has returned.
 */
@SuppressWarnings("deprecation") // implicit quantization is deprecated in TensorRT 10.1 and removed in 11
final class EntropyCalibrator2Bridge extends IInt8EntropyCalibrator2 {
    private final CalibrationFeed feed;

    EntropyCalibrator2Bridge(CalibrationFeed feed) {
        super();
        this.feed = feed;
    }

    @Override
    public int getBatchSize() {
        return 1; // ignored for explicit-batch networks, the only kind TensorRT 10 has
    }

    @Override
    public boolean getBatch(PointerPointer bindings, PointerPointer names, int nbBindings) {
        try {
            return feed.getBatch(bindings, names, nbBindings);
        } catch (Throwable t) {
            LoggerFactory.getLogger(EntropyCalibrator2Bridge.class).error("getBatch failed", t);
            return false;
        }
    }

    @Override
    public Pointer readCalibrationCache(LongPointer length) {
        try {
            return feed.readCalibrationCache(length);
        } catch (Throwable t) {
            return null;
        }
    }

    @Override
    public void writeCalibrationCache(Pointer ptr, long length) {
        try {
            feed.writeCalibrationCache(ptr, length);
        } catch (Throwable t) {
            // logged by the feed; nothing may reach TensorRT
        }
    }
}
