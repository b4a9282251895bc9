package dev.trt4j.cli.command;

import dev.trt4j.cli.DataArguments;
import dev.trt4j.onnx.OnnxModel;

import java.nio.file.Path;

/** The check every command that writes a model makes first: its {@code --out} is none of the files it reads. */
final class OutputModel {
    private OutputModel() {
    }

    /**
     * The output checks for {@code --out}: not the input model, nor the sample files (through a link too), and
     * writable where it is named; add what else the command reads, then {@link OutputFiles#check()}.
     */
    static OutputFiles of(Path out, Path input, DataArguments samples) {
        return new OutputFiles().add("--out", out).reads("the input model", input).reads("--data", samples.data())
                .reads("--tokenizer", samples.tokenizer());
    }

    /**
     * As {@link #of(Path, Path, DataArguments)}, with the data file {@code --external-data} writes beside
     * {@code --out} checked too, where the option is given.
     */
    static OutputFiles of(Path out, Path input, DataArguments samples, ExternalDataOption externalData) {
        OutputFiles files = of(out, input, samples);
        return externalData.enabled ? files.add("--out's data file", ExternalDataOption.dataFileOf(out)) : files;
    }

    /**
     * Once the model is loaded, the checks of {@code files} ({@link #of(Path, Path, DataArguments,
     * ExternalDataOption)} and what the command added to it) again, with the data file beside {@code --out} among
     * the outputs wherever it may be written: asked for, or the model exceeds 2 GiB. A past-2-GiB output written
     * without {@code --external-data} otherwise replaced a {@code --table} named {@code OUT.data} with weights. And
     * {@code --out} is none of the model's own external data files, which it would replace while the model still
     * loaded, with other weights.
     */
    static void requireNotItsData(OutputFiles files, Path out, OnnxModel model, ExternalDataOption externalData) {
        requireNotItsData(files, out, model, externalData.enabled, externalData.mayWrite(model));
    }

    /** As above, with whether the data file may be written given (tests need no 2 GiB model for it). */
    static void requireNotItsData(OutputFiles files, Path out, OnnxModel model, boolean asked, boolean mayWrite) {
        if (!asked && mayWrite) {
            files.add("--out's data file", ExternalDataOption.dataFileOf(out)); // given the option, of() added it
        }
        model.externalDataFiles().forEach(f -> files.reads("the input model's external data", f));
        files.requireNoneIsRead();
    }
}
