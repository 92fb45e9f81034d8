package org.jitgrad.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.jitgrad.app.Main;
import picocli.CommandLine;

/** Shared command-line set-up: converters, error handling, version. */
public final class Cli {
    /** Exit code of a command that failed on bad input (a missing file, a corrupt checkpoint, ...). */
    public static final int EXIT_ERROR = 1;

    private Cli() {}

    /** Applies the app's settings to a command line. */
    public static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Cli::handle);
        return cl;
    }

    /** Reports a failure as one line; the stack trace only for bugs or with JITGRAD_DEBUG=1. */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        boolean expected = t instanceof IOException || t instanceof IllegalArgumentException || t instanceof IllegalStateException;
        String message = t instanceof NoSuchFileException nf
                ? nf.getFile() + ": " + (nf.getReason() == null ? "no such file" : nf.getReason())
                : t.getMessage() == null ? t.toString() : t.getMessage();
        err.println("error: " + message);
        if (!expected || "1".equals(System.getenv("JITGRAD_DEBUG"))) t.printStackTrace(err);
        err.flush();
        return EXIT_ERROR;
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jitgrad " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
