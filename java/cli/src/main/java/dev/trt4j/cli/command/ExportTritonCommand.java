package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.triton.EngineTarget;
import dev.trt4j.triton.EngineTensors;
import dev.trt4j.triton.TritonConfigFromEngine;
import dev.trt4j.triton.TritonModelConfig;
import dev.trt4j.triton.TritonRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code trt4j export-triton ENGINE... --out REPO}: a Triton Inference Server model repository, one model per engine
 * ({@code REPO/<name>/config.pbtxt} and {@code REPO/<name>/1/model.plan}). Inputs, outputs and batch limits come
 * from the engine's sidecar and the ONNX model it names. Every engine is checked before anything is written, and the
 * models land together or not at all.
 */
@Command(name = "export-triton", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes a Triton model repository (config.pbtxt + model.plan) for TensorRT engines.")
public final class ExportTritonCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "ENGINE", description = "Engines built by trt4j (with their sidecars).")
    private List<Path> engines;

    @Option(names = "--out", required = true, paramLabel = "REPO", description = "The model repository folder.")
    private Path out;

    @Option(names = "--model", paramLabel = "ONNX",
            description = "The ONNX model the engines were built from, when it is not next to them.")
    private Path model;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "0",
            description = "Largest batch Triton forms, at least 1 (default: the engine's profile maximum).")
    private int maxBatch;

    @Option(names = "--preferred-batch", split = ",", paramLabel = "N[,N...]",
            description = "Dynamic batching's preferred batch sizes (default: none, so the scheduler forms batches "
                    + "as large as it can).")
    private List<Integer> preferred = new ArrayList<>();

    @Option(names = "--max-queue-delay-us", paramLabel = "US", defaultValue = "100",
            description = "How long a request may wait to be batched (default 100 µs).")
    private long queueDelayUs;

    @Option(names = "--no-dynamic-batching", description = "Leave dynamic batching off.")
    private boolean noDynamicBatching;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1", description = "Instances per GPU (default 1).")
    private int instances;

    @Option(names = "--gpus", split = ",", paramLabel = "N[,N...]", description = "GPUs to serve on (default all).")
    private List<Integer> gpus = new ArrayList<>();

    @Override
    public Integer call() {
        validateOptions();
        TritonConfigFromEngine.Options options = new TritonConfigFromEngine.Options(maxBatch, preferred,
                noDynamicBatching ? -1 : queueDelayUs, instances, gpus);
        List<TritonModelConfig> configs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Path> seen = new HashSet<>();
        // an engine (or its sidecar) inside the repository, where the export would write its own copy over it
        OutputFiles files = new OutputFiles().reads("--model", model);
        for (Path engine : engines) {
            if (!seen.add(FileIdentity.of(engine))) {
                throw new InvalidOptionException(engine + ": given twice; give each engine once");
            }
            EngineFileCheck.check(engine);
            EngineSidecar sidecar = EngineSidecarFile.read(engine).orElse(null);
            EngineFileCheck.requireSidecarMatches(engine, sidecar);
            EngineTensors tensors = EngineTensors.find(engine, sidecar, model);
            String name = TritonRepository.modelName(engine);
            if (!names.add(name)) {
                throw new Trt4jException(engine + ": another engine already gives the Triton model name '" + name
                        + "'; rename one of them");
            }
            files.addInFolder("--out", out, TritonRepository.fileNames(name));
            files.reads("an engine", engine).reads("an engine's sidecar", EngineSidecarFile.pathFor(engine));
            TritonRepository.requireWritable(out, name);
            TritonModelConfig config = TritonConfigFromEngine.of(engine, name, tensors.inputs(), tensors.outputs(),
                    sidecar, options);
            requireBatching(engine, sidecar, config, tensors);
            configs.add(config);
        }
        files.requireNoneIsRead();
        List<Path> folders = new ArrayList<>();
        try (AtomicFileSet staged = new AtomicFileSet()) {
            for (int i = 0; i < engines.size(); i++) {
                folders.add(TritonRepository.stage(staged, out, engines.get(i), configs.get(i)));
            }
            staged.commit();
        }
        PrintWriter printer = spec.commandLine().getOut();
        for (int i = 0; i < engines.size(); i++) {
            TritonModelConfig config = configs.get(i);
            // Triton refuses a plan of another TensorRT version or GPU model: the server must match this
            printer.println(folders.get(i) + ": max_batch_size " + config.maxBatchSize() + (config.dynamicBatching()
                    ? ", dynamic batching" : "") + ", " + config.instances() + " instance(s) per GPU; needs "
                    + config.target().map(EngineTarget::line)
                    .orElse("the TensorRT version and GPU model that built it (no sidecar says which)"));
        }
        printer.flush();
        return 0;
    }

    /**
     * An engine Triton cannot batch gets no dynamic batching, so batching options given for it would be dropped
     * from its config without a word.
     */
    private void requireBatching(Path engine, EngineSidecar sidecar, TritonModelConfig config,
                                 EngineTensors tensors) {
        List<String> given = batchingOptions();
        if (config.maxBatchSize() > 0 || given.isEmpty()) {
            return;
        }
        java.util.Optional<String> otherAxis = tensors.outputs().stream()
                .filter(o -> TritonConfigFromEngine.firstAxisIsAnother(o, tensors.inputs()))
                .map(o -> o.name()).findFirst();
        String why = sidecar == null || sidecar.profiles().isEmpty()
                ? "it has no sidecar with its optimization profile"
                : otherAxis.isPresent()
                ? "output '" + otherAxis.get() + "' has another input axis first (a time-major output's time), which "
                        + "Triton would split as the batch"
                : "its profile does not let every input's first dimension vary from 1 as a batch";
        throw new InvalidOptionException(engine + ": Triton cannot batch this engine (max_batch_size 0: " + why
                + "), so " + String.join(" and ", given) + " cannot apply; leave "
                + (given.size() == 1 ? "it" : "them") + " out for this engine");
    }

    /**
     * The batching options given on the command line; defaults do not count.
     */
    private List<String> batchingOptions() {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> given = new ArrayList<>();
        if (maxBatch > 0) {
            given.add("--max-batch");
        }
        for (String option : List.of("--preferred-batch", "--max-queue-delay-us")) {
            if (parsed.hasMatchedOption(option)) {
                given.add(option);
            }
        }
        return given;
    }

    /** Checked here so the message names the option; Triton itself would only fail when it loads the model. */
    private void validateOptions() {
        // In Triton max_batch_size 0 means "does not batch", so a typed 0 must not quietly mean the profile maximum
        if (maxBatch < 0 || maxBatch == 0 && spec.commandLine().getParseResult().hasMatchedOption("--max-batch")) {
            throw new ParameterException(spec.commandLine(), "--max-batch must be at least 1, got " + maxBatch
                    + " (leave it out for the engine's largest batch)");
        }
        OptionValues.requireEachOnce("--preferred-batch", preferred, "batch size");
        OptionValues.requireEachOnce("--gpus", gpus, "GPU id");
        if (instances < 1) {
            throw new ParameterException(spec.commandLine(), "--instances must be at least 1, got " + instances);
        }
        for (int gpu : gpus) {
            if (gpu < 0) {
                throw new ParameterException(spec.commandLine(), "--gpus: a GPU id must not be negative, got " + gpu);
            }
        }
        for (int batch : preferred) {
            if (batch < 1) {
                throw new ParameterException(spec.commandLine(), "--preferred-batch: a batch size must be at least "
                        + "1, got " + batch);
            }
        }
        if (queueDelayUs < 0) {
            throw new ParameterException(spec.commandLine(), "--max-queue-delay-us must not be negative (0 = no "
                    + "wait), got " + queueDelayUs);
        }
        if (noDynamicBatching) {
            List<String> given = batchingOptions().stream().filter(o -> !o.equals("--max-batch")).toList();
            if (!given.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--no-dynamic-batching leaves dynamic batching "
                        + "off, so " + String.join(" and ", given) + " cannot apply; give one or the other");
            }
        }
    }
}
