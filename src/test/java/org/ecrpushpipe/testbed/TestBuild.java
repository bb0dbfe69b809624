package org.ecrpushpipe.testbed;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;

/**
 * Builds a test image with the engine's classic builder, the way the bed's engine needs it: host networking (the
 * engine has no bridge) and no pull (no image registry is reachable). Keeps the streamed build output.
 *
 * @param imageId the built image's ID ({@code sha256:…})
 * @param output the build's {@code stream} output, concatenated
 */
public record TestBuild(String imageId, String output) {

    /**
     * Builds {@code contextDir} (its {@code Dockerfile}) and tags the result with {@code tags}.
     *
     * @throws com.github.dockerjava.api.exception.DockerClientException when the build fails ("Could not build image: …")
     */
    public static TestBuild run(DockerClient docker, Path contextDir, String... tags) {
        return run(docker, contextDir, contextDir.resolve("Dockerfile"), tags);
    }

    /** Like {@link #run(DockerClient, Path, String...)} with a Dockerfile of another name or place. */
    public static TestBuild run(DockerClient docker, Path contextDir, Path dockerfile, String... tags) {
        StringBuilder output = new StringBuilder();
        String imageId = docker.buildImageCmd()
                .withBaseDirectory(contextDir.toFile())
                .withDockerfile(dockerfile.toFile())
                .withNetworkMode("host")
                .withPull(false)
                // every step runs, so its output can be asserted even on an engine that built it before
                .withNoCache(true)
                .withTags(Set.of(tags))
                .exec(new BuildImageResultCallback() {
                    @Override
                    public void onNext(BuildResponseItem item) {
                        if (item.getStream() != null) {
                            synchronized (output) {
                                output.append(item.getStream());
                            }
                        }
                        super.onNext(item);
                    }
                })
                .awaitImageId(5, TimeUnit.MINUTES);
        // The classic builder reports the short ID ("Successfully built 0123456789ab"); tests want the full one.
        String fullId = docker.inspectImageCmd(imageId).exec().getId();
        synchronized (output) {
            return new TestBuild(fullId, output.toString());
        }
    }
}
