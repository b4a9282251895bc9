package dev.trt4j.tensorrt;

import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.global.cudart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One captured and instantiated CUDA graph of an engine's {@code enqueueV3}, launched with a single call per query
 * (trtexec's default in TensorRT 11). Destroyed by {@link #close()} (idempotent).
 */
final class CudaGraph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaGraph.class);

    private final CUgraph_st graph;
    private final CUgraphExec_st exec;
    private boolean closed;

    private CudaGraph(CUgraph_st graph, CUgraphExec_st exec) {
        this.graph = graph;
        this.exec = exec;
    }

    /**
     * Captures what {@code enqueue} queues on {@code stream}. As trtexec does, the caller has run {@code enqueue} once
     * outside capture so lazy initialisation is not captured.
     *
     * @param enqueue queues one inference on {@code stream}; false when TensorRT refuses
     * @return the graph, or empty (with a warning) when the engine cannot be captured
     */
    static Optional<CudaGraph> capture(CudaStream stream, BooleanSupplier enqueue) {
        CUgraph_st graph = new CUgraph_st();
        int begin = cudart.cudaStreamBeginCapture(stream.handle(), cudart.cudaStreamCaptureModeThreadLocal);
        if (begin != cudart.cudaSuccess) {
            return refused("cudaStreamBeginCapture: " + NativeCalls.errorString(begin));
        }
        boolean queued = enqueue.getAsBoolean();
        int end = cudart.cudaStreamEndCapture(stream.handle(), graph);
        if (!queued || end != cudart.cudaSuccess) {
            if (end == cudart.cudaSuccess) {
                cudart.cudaGraphDestroy(graph);
            }
            cudart.cudaGetLastError(); // clear the capture error so later calls do not report it
            return refused(queued ? "cudaStreamEndCapture: " + NativeCalls.errorString(end)
                    : "enqueueV3 failed while capturing");
        }
        CUgraphExec_st exec = new CUgraphExec_st();
        int inst = cudart.cudaGraphInstantiate(exec, graph, 0L);
        if (inst != cudart.cudaSuccess) {
            cudart.cudaGraphDestroy(graph);
            cudart.cudaGetLastError();
            return refused("cudaGraphInstantiate: " + NativeCalls.errorString(inst));
        }
        return Optional.of(new CudaGraph(graph, exec));
    }

    private static Optional<CudaGraph> refused(String why) {
        LOG.warn("The engine cannot be captured as a CUDA graph ({}); timing plain enqueueV3 calls instead", why);
        return Optional.empty();
    }

    /** Queues the graph on {@code stream}. */
    void launch(CudaStream stream) {
        NativeCalls.check(cudart.cudaGraphLaunch(exec, stream.handle()), "cudaGraphLaunch");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cudart.cudaGraphExecDestroy(exec);
            cudart.cudaGraphDestroy(graph);
        }
    }
}
