package org.jitgrad.app.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.jitgrad.data.Dataset;
import org.jitgrad.data.DigitsCsv;
import org.jitgrad.data.MnistIdx;

/**
 * Loads the training and test sets: the bundled MNIST (checked against hard-coded SHA-256 digests),
 * the bundled digits CSV (split 80/20 with a fixed seed, so every command sees the same test set), or
 * MNIST-format IDX files from another folder.
 */
public final class Datasets {
    /** The bundled digits file, inside {@code data/}. */
    public static final String DIGITS_FILE = "digits.csv.gz";
    /** Seed of the digits train/test split; fixed so that eval sees the same test set as train. */
    public static final long DIGITS_SPLIT_SEED = 20240607L;
    /** Fraction of the digits examples used for training. */
    public static final double DIGITS_TRAIN_FRACTION = 0.8;

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** SHA-256 of the bundled files, as published with the data. */
    static final Map<String, String> BUNDLED_SHA256 = Map.of(
            "mnist/" + TRAIN_IMAGES + ".gz", "d2cebd02927d553943b2679536bf602ec0cdcb6555ad87dda5d640e1d425faaf",
            "mnist/" + TRAIN_LABELS + ".gz", "2a107763ddf1eef92815bfbb1b855b662a7228add9dfab29de697c644d666cda",
            "mnist/" + TEST_IMAGES + ".gz", "4e612d6003de73386763f2c35c044ab376e830da80adb2347651a1f182f103a1",
            "mnist/" + TEST_LABELS + ".gz", "909a5aeb9fcec3f171b427c45622a55f69dc15dd80bd0624413cbfbe12553c1c",
            DIGITS_FILE, "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a");

    private Datasets() {}

    /** A training set, a test set and where they came from. */
    public record TrainTest(String name, Dataset train, Dataset test, String source) {}

    /** One split of a data set (the training or the test examples) and where it came from. */
    public record Part(String name, Dataset data, String source) {}

    /**
     * Loads a data set.
     *
     * @param name     mnist or digits
     * @param dataRoot the repository's {@code data/} folder (for the bundled files)
     * @param idxDir   a folder with the four MNIST-format IDX files to use instead of the bundled
     *                 MNIST, or null
     */
    public static TrainTest load(DatasetName name, Path dataRoot, Path idxDir) throws IOException {
        if (idxDir == null && name == DatasetName.DIGITS) return digits(dataRoot);
        Part train = loadPart(name, dataRoot, idxDir, true);
        Part test = loadPart(name, dataRoot, idxDir, false);
        return new TrainTest(train.name(), train.data(), test.data(), train.source());
    }

    /**
     * Loads only the training or only the test split, as {@link #load} would give it: for MNIST only that split's
     * two files are read (so {@code eval} needs no training files), for digits the file is split as always.
     *
     * @param train true for the training split, false for the test split
     */
    public static Part loadPart(DatasetName name, Path dataRoot, Path idxDir, boolean train) throws IOException {
        String images = train ? TRAIN_IMAGES : TEST_IMAGES, labels = train ? TRAIN_LABELS : TEST_LABELS;
        if (idxDir != null) {
            if (name != DatasetName.MNIST) throw new IllegalArgumentException("--data DIR holds IDX files: use it with --dataset mnist");
            return new Part("mnist", loadIdx(idxDir, images, labels), idxDir + " (not checksummed)");
        }
        return switch (name) {
            case MNIST -> new Part("mnist", loadBundledIdx(dataRoot, images, labels), dataRoot.resolve("mnist") + " (sha256 verified)");
            case DIGITS -> {
                TrainTest both = digits(dataRoot);
                yield new Part(both.name(), train ? both.train() : both.test(), both.source());
            }
        };
    }

    /** The bundled digits, split 80/20 the same way every time. */
    private static TrainTest digits(Path dataRoot) throws IOException {
        Path file = bundled(dataRoot, DIGITS_FILE);
        Dataset.Split split = DigitsCsv.load(file).split(DIGITS_TRAIN_FRACTION, DIGITS_SPLIT_SEED);
        return new TrainTest("digits", split.train(), split.test(), file + " (sha256 verified, 80/20 split)");
    }

    private static Dataset loadBundledIdx(Path dataRoot, String images, String labels) throws IOException {
        return MnistIdx.load(bundled(dataRoot, "mnist/" + images + ".gz"), bundled(dataRoot, "mnist/" + labels + ".gz"));
    }

    /** A bundled file, verified against its digest. */
    static Path bundled(Path dataRoot, String relative) throws IOException {
        Path file = dataRoot.resolve(relative);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "bundled data file is missing");
        Sha256.verify(file, BUNDLED_SHA256.get(relative));
        return file;
    }

    private static Dataset loadIdx(Path dir, String images, String labels) throws IOException {
        return MnistIdx.load(idxFile(dir, images), idxFile(dir, labels));
    }

    /** {@code dir/base}, or {@code dir/base.gz}. */
    public static Path idxFile(Path dir, String base) throws NoSuchFileException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new NoSuchFileException(dir.resolve(base) + "[.gz]", null, "IDX file not found");
    }
}
