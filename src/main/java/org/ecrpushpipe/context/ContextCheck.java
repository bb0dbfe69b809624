package org.ecrpushpipe.context;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.ecrpushpipe.context.PatternMatcher.BadPatternException;

/**
 * The docker CLI's {@code ValidateContextDirectory}: every file that is not excluded (by the patterns as written)
 * must open for reading, and every such directory must list. Symbolic links and named pipes are not opened.
 */
final class ContextCheck {
    private final PatternMatcher matcher;
    private final String ignoreFile;
    private final List<String> unreadable = new ArrayList<>();

    private ContextCheck(PatternMatcher matcher, String ignoreFile) {
        this.matcher = matcher;
        this.ignoreFile = ignoreFile;
    }

    /** What cannot be read, in the order the directories are walked; empty when all can. */
    static List<String> unreadable(Path root, PatternMatcher matcher, String ignoreFile) throws BuildContext.Unusable {
        ContextCheck check = new ContextCheck(matcher, ignoreFile);
        check.directory(root, ContextPath.ROOT);
        return check.unreadable;
    }

    private void directory(Path dir, ContextPath rel) throws BuildContext.Unusable {
        List<ContextWalk.Child> children;
        try {
            children = ContextWalk.sortedChildren(dir);
        } catch (IOException e) {
            unreadable.add("cannot read the directory '" + rel.printable() + "' (" + BuildContext.reason(e) + ")");
            return;
        }
        List<ContextWalk.Child> subdirectories = new ArrayList<>();
        List<ContextPath> subdirectoryPaths = new ArrayList<>();
        for (ContextWalk.Child child : children) {
            ContextPath path = rel.child(child.name());
            if (file(child.path(), path)) {
                subdirectories.add(child);
                subdirectoryPaths.add(path);
            }
        }
        for (int i = 0; i < subdirectories.size(); i++) {
            directory(subdirectories.get(i).path(), subdirectoryPaths.get(i));
        }
    }

    /** Checks one entry; true when it is a directory to check in turn. */
    private boolean file(Path path, ContextPath rel) throws BuildContext.Unusable {
        boolean skip;
        try {
            skip = matcher.matchesOrParentMatches(GoPath.clean(rel.text()));
        } catch (BadPatternException e) {
            throw BuildContext.badPattern(ignoreFile, e);
        }
        int type;
        try {
            type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & ContextTar.S_IFMT;
        } catch (IOException e) {
            // the CLI's walk fails on a path it cannot stat before it looks at the patterns
            unreadable.add("cannot read '" + rel.printable() + "' (" + BuildContext.reason(e) + ")");
            return false;
        }
        if (skip) {
            return false;
        }
        if (type == ContextTar.S_IFREG) {
            try (FileChannel ignored = FileChannel.open(path, StandardOpenOption.READ)) {
                // opened: readable
            } catch (AccessDeniedException e) {
                unreadable.add("cannot read '" + rel.printable() + "' (permission denied)");
            } catch (IOException e) {
                // like the CLI, only a refused permission is fatal here; the archiver reports the rest
            }
        }
        return type == ContextTar.S_IFDIR;
    }
}
