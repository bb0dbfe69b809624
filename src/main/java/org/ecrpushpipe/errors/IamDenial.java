package org.ecrpushpipe.errors;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM refusal as AWS words it in ECR's answers and a registry's errors: {@code User: … is not authorized to
 * perform: ecr:X on resource: arn:…}, whichever way it reached the pipe (the ECR API, the engine relaying the
 * registry's answer to a push or a pull).
 *
 * @param action   the action the policy lacks ({@code ecr:BatchGetImage})
 * @param resource the resource it names, when it names one
 */
public record IamDenial(String action, Optional<String> resource) {
    private static final Pattern TEXT = Pattern.compile("not authorized to perform: (\\S+?)(?: on resource: (\\S+?))?"
            + "(?=[\\s\"',;)]|$)");

    /** The refusal a text holds, if it holds one. */
    public static Optional<IamDenial> in(String text) {
        Matcher m = TEXT.matcher(text);
        return m.find() ? Optional.of(new IamDenial(m.group(1), Optional.ofNullable(m.group(2))))
                : Optional.empty();
    }
}
