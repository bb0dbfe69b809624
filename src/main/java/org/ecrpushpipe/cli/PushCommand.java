package org.ecrpushpipe.cli;

import picocli.CommandLine.Command;

/** The pipe's only command: build the image in the working directory and push it to ECR. */
@Command(name = "ecr-push-pipe", mixinStandardHelpOptions = true, version = "ecr-push-pipe 0.1.0",
        description = "Build a Docker image and push it to Amazon ECR. Configured through environment variables.")
public class PushCommand implements Runnable {
    @Override
    public void run() {
    }
}
