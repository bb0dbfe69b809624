package org.ecrpushpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into {@code pipe-version.properties} at build time. */
public final class PipeVersion implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = PipeVersion.class.getResourceAsStream("/pipe-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[] {"ecr-push-pipe " + properties.getProperty("version", "unknown")};
    }
}
