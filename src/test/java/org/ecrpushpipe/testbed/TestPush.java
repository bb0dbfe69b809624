package org.ecrpushpipe.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;

/**
 * Every item an engine streamed back for one push. docker-java's push callback completes normally even when
 * the push failed (wrong password, registry down): the failure is only in some item's {@code errorDetail}, so
 * a push counts as successful only when {@link #errors()} is empty.
 *
 * @param items the items in the order they arrived
 */
public record TestPush(List<PushResponseItem> items) {

    public TestPush {
        items = List.copyOf(items);
    }

    /** Pushes {@code repository:tag} (the image must be tagged so locally) with the given credentials. */
    public static TestPush run(DockerClient docker, String repository, String tag, AuthConfig auth) {
        List<PushResponseItem> items = new ArrayList<>();
        try {
            boolean completed = docker.pushImageCmd(repository)
                    .withTag(tag)
                    .withAuthConfig(auth)
                    .exec(new ResultCallback.Adapter<PushResponseItem>() {
                        @Override
                        public void onNext(PushResponseItem item) {
                            synchronized (items) {
                                items.add(item);
                            }
                        }
                    })
                    .awaitCompletion(5, TimeUnit.MINUTES);
            if (!completed) {
                throw new IllegalStateException("pushing " + repository + ":" + tag + " did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pushing " + repository + ":" + tag, e);
        }
        synchronized (items) {
            return new TestPush(items);
        }
    }

    /** The error messages the engine reported, empty when the push succeeded. */
    public List<String> errors() {
        return items.stream()
                .map(item -> item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError())
                .filter(Objects::nonNull)
                .toList();
    }

    /** The pushed manifest's digest: the last item's {@code aux.digest}, which the engine sends on success. */
    public Optional<String> digest() {
        if (items.isEmpty()) {
            return Optional.empty();
        }
        PushResponseItem last = items.get(items.size() - 1);
        return Optional.ofNullable(last.getAux()).map(aux -> aux.getDigest());
    }
}
