package org.jitgrad.app.progress;

/** How training progress is shown. */
public enum ProgressMode {
    /** A bar on a terminal, plain lines otherwise. */
    AUTO,
    /** A bar redrawn in place with carriage returns. */
    BAR,
    /** A line at every tenth of an epoch, for logs and pipes. */
    PLAIN,
    /** Nothing until the end of each epoch. */
    NONE;

    /** Resolves {@link #AUTO}: a bar only when standard output is an interactive terminal. */
    public ProgressMode resolve() {
        if (this != AUTO) return this;
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        String term = System.getenv("TERM");
        return terminal && !"dumb".equals(term) ? BAR : PLAIN;
    }
}
