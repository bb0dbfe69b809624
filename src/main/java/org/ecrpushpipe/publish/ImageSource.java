package org.ecrpushpipe.publish;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.context.BuildContext;

/** What to publish: an image the pipe builds, or one already in the engine that it pushes as it is. */
public sealed interface ImageSource {

    /**
     * Build this context with these options.
     *
     * @param context  the build context as it will be sent
     * @param settings the build options, and the commit for the image's OCI labels
     */
    record Build(BuildContext context, BuildSettings settings) implements ImageSource {
    }

    /**
     * Push an image the engine already holds (LOCAL_IMAGE), built earlier in the step; nothing is built.
     *
     * @param name the image's name, name:tag or id, as the engine knows it
     */
    record LocalImage(String name) implements ImageSource {
    }
}
