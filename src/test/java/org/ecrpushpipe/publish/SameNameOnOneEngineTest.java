package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.ecr.EcrRegistry;
import org.ecrpushpipe.registry.ecr.EcrSettings;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.ecrpushpipe.testbed.Builds;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs on one Docker engine, same repository and tag, different contexts: the engine pushes by name, so when
 * the other run tags the name between this run's tag and push, the engine sends the other run's image. On the real
 * engine, stand-in and registry, with that interleaving forced: the run must notice that the pushed manifest is
 * not its image, push its own, and report only its own digest.
 */
@ExtendWith(EcrBedExtension.class)
class SameNameOnOneEngineTest {
    @TempDir
    Path work;

    private final EcrBed bed;

    SameNameOnOneEngineTest(EcrBed bed) {
        this.bed = bed;
    }

    /** The real engine, with another run's tag landing just before this run's first push. */
    private static final class OtherRunTagsFirst implements DockerEngine {
        private final DockerEngine real;
        private final Digest otherImage;
        private boolean done;

        OtherRunTagsFirst(DockerEngine real, Digest otherImage) {
            this.real = real;
            this.otherImage = otherImage;
        }

        @Override
        public String address() {
            return real.address();
        }

        @Override
        public PullOutcome pull(ImageReference reference, RegistryCredentials credentials,
                                                       Consumer<String> progress, Cancellation cancellation) {
            return real.pull(reference, credentials, progress, cancellation);
        }

        @Override
        public boolean holds(Digest imageId) {
            return real.holds(imageId);
        }

        @Override
        public EngineVersion ping() {
            return real.ping();
        }

        @Override
        public Optional<Digest> imageId(String image) {
            return real.imageId(image);
        }

        @Override
        public void tag(Digest imageId, ImageReference reference) {
            real.tag(imageId, reference);
        }

        @Override
        public PushOutcome push(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                                Cancellation cancellation) {
            if (!done) {
                done = true;
                real.tag(otherImage, reference);
            }
            return real.push(reference, credentials, progress, cancellation);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aRunNeverReportsAnotherRunsImageAsItsOwn() throws Exception {
        bed.standIn().createRepository("race/app");
        Map<String, String> env = bed.pipeEnv("race/app");
        env.put("TAGS", "race");
        Path mine = TestImages.busybox(work.resolve("mine")).uniqueFile().write();
        Path theirs = TestImages.busybox(work.resolve("theirs")).uniqueFile().write();
        PipeConfig config = ConfigReader.read(env, mine).config();

        try (DockerJavaEngine real = new DockerJavaEngine(bed.dockerHost());
             EcrRegistry registry = new EcrRegistry(new EcrSettings(config.region(), config.credentials().orElseThrow(),
                     Optional.empty(), EndpointVariants.STANDARD, config.ecrEndpoint()))) {
            Digest theirImage = Builds.imageId(real.classicBuilder(),
                    new BuildRequest(ConfigReader.read(env, theirs).config().build()), l -> { });
            RecordingEvents events = new RecordingEvents();
            RunContext context = new RunContext(events, new RetryPolicy(config.retries(), config.retryMaxWait(),
                    Math::random), d -> Thread.sleep(d.toMillis()), System::nanoTime, Runnable::run,
                    new Cancellation());
            Ports ports = new Ports(registry, Optional.of(registry), region -> {
                throw new AssertionError("no other region");
            }, new OtherRunTagsFirst(real, theirImage), real::builder, ResultsOutput.NONE);
            PublishResult result = new Publisher(ports, context).publish(new PublishRequest(config.image(),
                    config.region(), config.tags(), new ImageSource.Build(config.build(), config.buildSettings())));
            List<String> warnings = events.of("warning");
            List<PushedTag> reported = result.tags();

            assertFalse(result.imageId().equals(theirImage), "two different images");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("The engine pushed another image (" + theirImage + ") as "
                    + bed.registryHost() + "/race/app:race"), warnings.toString());
            assertEquals(1, reported.size());
            assertEquals(List.of(reported.get(0).reference() + " " + reported.get(0).digest()), events.of("pushed"),
                    "the tag reported pushed is the tag in the result");
            Digest digest = reported.get(0).digest();
            assertEquals(Optional.of(digest.value()), bed.manifestDigest("race/app", "race"), "the tag holds what was reported");
            assertEquals(Optional.of(result.imageId()), registry.images("race/app", new Tag("race"), digest).digest()
                    .flatMap(i -> i.imageId()), "and what was reported is this run's image");
        }
    }
}
