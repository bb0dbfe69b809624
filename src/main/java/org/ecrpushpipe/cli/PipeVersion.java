package org.ecrpushpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into {@code pipe-version.properties} at build time. */
public final class PipeVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"ecr-push-pipe " + version()};
    }

    /** The pipe's version, from the build (pom.xml's version, the one place it is written). */
    String version() {
        Properties properties = new Properties();
        try (InputStream in = PipeVersion.class.getResourceAsStream("/pipe-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
