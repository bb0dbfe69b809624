package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.github.dockerjava.api.DockerClient;

/**
 * What an image holds, file by file, read from a container made of it (never started): each path with its type,
 * mode, owner, and its content's digest or its link's target. Two images that list the same hold the same files,
 * whatever their ids.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** Every path of {@code image} (an id or a reference the engine holds), sorted. */
    public static Map<String, String> of(DockerClient docker, String image) throws IOException {
        String container = docker.createContainerCmd(image).withCmd("none").exec().getId();
        try (InputStream archive = docker.copyArchiveFromContainerCmd(container, "/").exec()) {
            return list(archive);
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    private static Map<String, String> list(InputStream archive) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String what = entry.isSymbolicLink() ? "link→" + entry.getLinkName()
                        : entry.isDirectory() ? "dir" : "file " + sha256(tar.readAllBytes());
                files.put(entry.getName(), what + " " + Integer.toOctalString(entry.getMode() & 07777) + " "
                        + entry.getLongUserId() + ":" + entry.getLongGroupId());
            }
        }
        return files;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
