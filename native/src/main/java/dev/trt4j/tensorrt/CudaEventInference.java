package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.TimedInference;
import dev.trt4j.timing.TimingSettings;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * trtexec's timed query on one execution context: three streams (input copies, compute, output copies) that all
 * wait on one start event, six events per pipeline slot, host enqueue times from {@link System#nanoTime()}. Each
 * query optionally copies inputs in and outputs out; compute is one CUDA graph launch or one {@code enqueueV3}.
 * Device times are read with {@code cudaEventElapsedTime} against the start event. Owns its streams, events and
 * graph; the caller owns the context and buffers.
 */
final class CudaEventInference implements TimedInference, AutoCloseable {
    /** One host↔device copy of a tensor, queued on a stream. */
    interface Copy {
        void queue(CudaStream stream);
    }

    private final String engine;
    private final IExecutionContext context;
    private final List<Copy> copiesIn;
    private final List<Copy> copiesOut;
    private final boolean transfers;
    // Created in the constructor, inside its cleanup: null until then, and close() skips what is null.
    private CudaStream input;
    private CudaStream compute;
    private CudaStream output;
    private CudaStream main;
    private CudaEvent gpuStart;
    private final List<CudaEvent[]> slots = new ArrayList<>();
    private final long[][] hostTimes;
    private Optional<CudaGraph> graph = Optional.empty();
    private final long cpuStart;

    /**
     * Sets up streams, events and (if asked) the CUDA graph, then takes the shared origin. Inputs must already be on
     * the device, also when transfers are timed: the enqueue before graph capture computes on them.
     */
    CudaEventInference(String engine, IExecutionContext context, List<Copy> copiesIn, List<Copy> copiesOut,
                       TimingSettings settings) {
        this.engine = engine;
        this.context = context;
        this.copiesIn = copiesIn;
        this.copiesOut = copiesOut;
        this.transfers = settings.dataTransfers();
        this.hostTimes = new long[settings.pipelineDepth()][2];
        try {
            input = new CudaStream();
            compute = new CudaStream();
            output = new CudaStream();
            main = new CudaStream();
            gpuStart = new CudaEvent(true);
            for (int s = 0; s < settings.pipelineDepth(); s++) {
                CudaEvent[] events = new CudaEvent[6];
                slots.add(events);
                for (int e = 0; e < events.length; e++) {
                    events[e] = new CudaEvent(!settings.spinWait());
                }
            }
            if (settings.cudaGraph()) {
                enqueueOrThrow(); // outside capture, so lazy initialisation is not captured
                compute.synchronize();
                graph = CudaGraph.capture(compute, () -> context.enqueueV3(compute.handle()));
            }
            cpuStart = System.nanoTime();
            gpuStart.record(main);
            for (CudaStream s : List.of(input, compute, output)) {
                gpuStart.makeWait(s);
            }
        } catch (RuntimeException | Error e) {
            // the caller never gets this object to close: free what exists now (a LinkageError or an out-of-memory
            // error half-way too, in a serving JVM that goes on)
            close();
            throw e;
        }
    }

    /** Whether queries are CUDA graph launches (false when capture was refused or not asked for). */
    boolean usesCudaGraph() {
        return graph.isPresent();
    }

    @Override
    public void enqueue(int slot) {
        CudaEvent[] e = slots.get(slot);
        if (transfers) {
            e[0].record(input);
            copiesIn.forEach(c -> c.queue(input));
            e[1].record(input);
            e[1].makeWait(compute);
        }
        e[2].record(compute);
        long enqStart = System.nanoTime();
        if (graph.isPresent()) {
            graph.get().launch(compute);
        } else {
            enqueueOrThrow();
        }
        long enqEnd = System.nanoTime();
        e[3].record(compute);
        if (transfers) {
            e[3].makeWait(output);
            e[4].record(output);
            copiesOut.forEach(c -> c.queue(output));
            e[5].record(output);
        }
        hostTimes[slot][0] = enqStart;
        hostTimes[slot][1] = enqEnd;
    }

    private void enqueueOrThrow() {
        if (!context.enqueueV3(compute.handle())) {
            throw new Trt4jException(engine + ": enqueueV3 failed: "
                    + TrtLogger.shared().lastError().orElse("no reason given"));
        }
    }

    @Override
    public InferenceTrace await(int slot) {
        CudaEvent[] e = slots.get(slot);
        // with transfers, a query ends when its outputs are on the host; without, when compute ends
        (transfers ? e[5] : e[3]).synchronize();
        double enqStart = (hostTimes[slot][0] - cpuStart) / 1e6;
        double enqEnd = (hostTimes[slot][1] - cpuStart) / 1e6;
        double computeStart = e[2].millisSince(gpuStart);
        double computeEnd = e[3].millisSince(gpuStart);
        if (!transfers) {
            return InferenceTrace.withoutTransfers(enqStart, enqEnd, computeStart, computeEnd);
        }
        return new InferenceTrace(enqStart, enqEnd, e[0].millisSince(gpuStart), e[1].millisSince(gpuStart),
                computeStart, computeEnd, e[4].millisSince(gpuStart), e[5].millisSince(gpuStart));
    }

    /**
     * Waits for this object's own streams (not the whole device, where other sessions of the process run their own
     * work), then frees the graph, events and streams. A stream whose wait fails (a sticky CUDA error) does not stop
     * the freeing.
     */
    @Override
    public void close() {
        for (CudaStream s : new CudaStream[] {input, compute, output, main}) {
            if (s != null) {
                cudart.cudaStreamSynchronize(s.handle()); // the status is ignored: everything below must still be freed
            }
        }
        graph.ifPresent(CudaGraph::close);
        slots.forEach(events -> {
            for (CudaEvent ev : events) {
                if (ev != null) {
                    ev.close();
                }
            }
        });
        if (gpuStart != null) {
            gpuStart.close();
        }
        for (CudaStream s : new CudaStream[] {input, compute, output, main}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
