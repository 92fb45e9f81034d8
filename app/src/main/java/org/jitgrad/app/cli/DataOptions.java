package org.jitgrad.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.DatasetName;
import org.jitgrad.app.data.Datasets;
import picocli.CommandLine.Option;

/** Which data to use. */
public final class DataOptions {
    @Option(names = "--dataset", paramLabel = "mnist|digits",
            description = "Data set: mnist (bundled, 28x28) or digits (bundled UCI 8x8, split 80/20). Default: mnist, "
                    + "or the one a loaded checkpoint was trained on.")
    DatasetName dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Use the MNIST-format IDX files in DIR (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
                    + "t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) instead of the bundled MNIST.")
    Path idxDir;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "Repository root holding data/ (default: -Djitgrad.root, set by ./jitgrad, else the working directory "
                    + "or a parent of it).")
    Path dataRoot;

    /** The chosen data set, {@code fallback} when none was given. */
    DatasetName name(DatasetName fallback) {
        return dataset != null ? dataset : fallback != null ? fallback : DatasetName.MNIST;
    }

    Datasets.TrainTest load(DatasetName name) throws IOException {
        return Datasets.load(name, root(), idxDir);
    }

    /** Only the training split ({@code train}) or only the test split. */
    Datasets.Part loadPart(DatasetName name, boolean train) throws IOException {
        return Datasets.loadPart(name, root(), idxDir, train);
    }

    private Path root() {
        return idxDir != null && dataset != DatasetName.DIGITS ? null : DataRoot.resolve(dataRoot);
    }
}
