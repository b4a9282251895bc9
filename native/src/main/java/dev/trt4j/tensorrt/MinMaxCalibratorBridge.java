package dev.trt4j.tensorrt;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.nvinfer.IInt8MinMaxCalibrator;

/**
 * TensorRT's {@code IInt8MinMaxCalibrator}, answered by a {@link CalibrationFeed}. TensorRT keeps a raw
 * pointer to the C++ peer, whose link back to this object is weak: the build holds this object in a field
 * until {@code buildSerializedNetwork} has returned.
 */
@SuppressWarnings("deprecation") // implicit quantization is deprecated in TensorRT 10.1 and removed in 11
final class MinMaxCalibratorBridge extends IInt8MinMaxCalibrator {
    private final CalibrationFeed feed;

    MinMaxCalibratorBridge(CalibrationFeed feed) {
        super();
        this.feed = feed;
    }

    @Override
    public int getBatchSize() {
        return 1; // ignored for explicit-batch networks, the only kind TensorRT 10 has
    }

    // The feed catches, logs and answers every failure itself, so nothing can cross back into TensorRT.
    @Override
    public boolean getBatch(PointerPointer bindings, PointerPointer names, int nbBindings) {
        return feed.getBatch(bindings, names, nbBindings);
    }

    @Override
    public Pointer readCalibrationCache(LongPointer length) {
        return feed.readCalibrationCache(length);
    }

    @Override
    public void writeCalibrationCache(Pointer ptr, long length) {
        feed.writeCalibrationCache(ptr, length);
    }
}
