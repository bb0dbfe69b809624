package org.ecrpushpipe.errors;

/** The innermost cause of a failure, and how to say it in one line. */
public final class RootCause {
    private RootCause() {
    }

    /** The innermost cause (the failure itself when it has none). */
    public static Throwable of(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost cause's message, or its class's name when it has none. */
    public static String message(Throwable failure) {
        Throwable root = of(failure);
        return root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip();
    }

    /** The first failure of the given type in the chain of causes, or null. */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
