package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.HostConfig;

/**
 * Proves a pushed web image from the registry's side: removes every local copy, pulls it back by digest, runs it
 * with host networking and fetches a page. Used by the seed scenario test and by {@code test/try-it.sh}.
 */
public final class ServedImage {
    private ServedImage() {
    }

    /**
     * @param repositoryUri {@code host/name}
     * @param localTags     tags of the image in the engine to remove first, so the pull must fetch it
     * @return the page's body
     */
    public static String pullRunAndGet(DockerClient docker, String repositoryUri, String digest, AuthConfig auth,
                                       int port, String path, String... localTags) throws InterruptedException {
        assertPortFree(port);
        for (String tag : localTags) {
            try {
                docker.removeImageCmd(repositoryUri + ":" + tag).withForce(true).exec();
            } catch (NotFoundException alreadyGone) {
                // nothing to remove
            }
        }
        String byDigest = repositoryUri + "@" + digest;
        try {
            docker.inspectImageCmd(byDigest).exec();
            throw new IllegalStateException(byDigest + " is still in the engine; the pull would prove nothing");
        } catch (NotFoundException expected) {
            // removed: the pull must fetch it from the registry
        }
        docker.pullImageCmd(byDigest).withAuthConfig(auth).exec(new PullImageResultCallback()).awaitCompletion();
        String container = docker.createContainerCmd(byDigest)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"))
                .exec().getId();
        try {
            docker.startContainerCmd(container).exec();
            return awaitPage("http://127.0.0.1:" + port + path, Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            var state = docker.inspectContainerCmd(container).exec().getState();
            throw new IllegalStateException(e.getMessage() + "; the container is " + state.getStatus()
                    + " (exit code " + state.getExitCodeLong() + "), its log:\n" + logs(docker, container), e.getCause());
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    private static String logs(DockerClient docker, String container) throws InterruptedException {
        StringBuilder log = new StringBuilder();
        docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTailAll()
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        log.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }).awaitCompletion();
        return log.toString();
    }

    private static void assertPortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " of this machine is taken; the image's server needs it", e);
        }
    }

    private static String awaitPage(String url, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Throwable last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                return given().when().get(url).then().statusCode(200).extract().asString();
            } catch (AssertionError | Exception e) {
                // REST Assured throws ConnectException undeclared while the server is still starting
                last = e;
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("no page at " + url + " within " + timeout, last);
    }
}
