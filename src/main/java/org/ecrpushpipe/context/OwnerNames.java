package org.ecrpushpipe.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The user and group names of files' owners, as Go's {@code archive/tar} puts them in a header ({@code uname},
 * {@code gname}): looked up once per id, empty when the system knows no name for it.
 */
final class OwnerNames {
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();

    /** The names of the owner and group of {@code path}, whose ids are {@code uid} and {@code gid}. */
    String[] of(Path path, int uid, int gid) {
        if (!users.containsKey(uid) || !groups.containsKey(gid)) {
            String user = "";
            String group = "";
            try {
                PosixFileAttributes posix = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                user = named(posix.owner().getName(), uid);
                group = named(posix.group().getName(), gid);
            } catch (IOException | UnsupportedOperationException e) {
                // no names: the header carries none, as Go's lookup that fails
            }
            users.putIfAbsent(uid, user);
            groups.putIfAbsent(gid, group);
        }
        return new String[] {users.get(uid), groups.get(gid)};
    }

    /** The JDK names an id it cannot look up by the id itself; Go's lookup gives no name then. */
    private static String named(String name, int id) {
        return name.equals(Integer.toString(id)) ? "" : name;
    }
}
