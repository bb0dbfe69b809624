package org.ecrpushpipe.insights;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.ecrpushpipe.config.ReportSettings;
import org.ecrpushpipe.publish.ImageFacts;
import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.publish.RegionOutcome;
import org.ecrpushpipe.publish.ReportAnnotation;
import org.ecrpushpipe.publish.RunOutcome;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A run's outcome in the shapes of Bitbucket's reports API: the report ({@code PUT …/reports/{id}}: title, details,
 * report_type, reporter, result and typed data fields) and its annotations in batches
 * ({@code POST …/reports/{id}/annotations}). Every text passes the console's mask on its way in, so a secret that
 * slipped into a failure's words is no more sent than printed; no value of a variable that is secret is ever put
 * in.
 */
final class ReportDocument {
    /** What the report calls its reporter. */
    static final String REPORTER = "ecr-push-pipe";
    /** Bitbucket's reports take at most 10 data fields. */
    static final int MAX_DATA = 10;
    /** Bitbucket refuses longer details ("The details field cannot contain more than 2000 characters"). */
    static final int MAX_DETAILS = 2000;
    /** Bitbucket refuses a longer annotation summary ("… cannot contain more than 450 characters"). */
    static final int MAX_SUMMARY = 450;
    /** Titles are kept as short as summaries; Bitbucket shows them on one line. */
    static final int MAX_TITLE = 450;
    /** Bitbucket keeps at most 1000 annotations per report… */
    static final int MAX_ANNOTATIONS = 1000;
    /** …and takes at most 100 per request. */
    static final int BATCH = 100;

    private static final JsonFactory JSON = new JsonFactory();

    private final ReportSettings.Target target;
    private final UnaryOperator<String> mask;

    /**
     * @param target the commit and the report's id, and IMAGE and TAGS as written, for its title
     * @param mask   the console's mask: every known secret replaced by {@code ****}
     */
    ReportDocument(ReportSettings.Target target, UnaryOperator<String> mask) {
        this.target = target;
        this.mask = mask;
    }

    /** The annotations the report carries: the most severe first, at most {@link #MAX_ANNOTATIONS}. */
    static List<ReportAnnotation> kept(List<ReportAnnotation> annotations) {
        List<ReportAnnotation> sorted = new ArrayList<>(annotations);
        sorted.sort(Comparator.comparing(ReportAnnotation::severity));
        return List.copyOf(sorted.subList(0, Math.min(sorted.size(), MAX_ANNOTATIONS)));
    }

    /** The report's title: the repository (without its registry host) and the first tag, as the step names them. */
    String title() {
        String image = target.image().map(ReportDocument::withoutHost).orElse("");
        String tag = target.tags().isEmpty() ? "" : ":" + target.tags().get(0);
        return cut(mask.apply(image.isEmpty() ? "Image push" : "Image " + image + tag), MAX_TITLE);
    }

    /** {@code team/app} of {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app}. */
    private static String withoutHost(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return image;
        }
        String first = image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? image.substring(slash + 1) : image;
    }

    /** The body of {@code PUT …/reports/{id}}. */
    String report(RunOutcome outcome) {
        List<ReportAnnotation> kept = kept(outcome.annotations());
        int left = outcome.annotations().size() - kept.size();
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("title", title());
            String details = outcome instanceof RunOutcome.Succeeded ok ? succeeded(ok)
                    : failed((RunOutcome.Failed) outcome);
            if (left > 0) {
                details = String.format(Locale.ROOT, "%d findings are not attached (a report holds %d). ", left,
                        MAX_ANNOTATIONS) + details;
            }
            json.writeStringField("details", cut(mask.apply(details), MAX_DETAILS));
            // a push is none of the kinds Bitbucket knows; its check of the registry is the nearest to a test
            json.writeStringField("report_type", kept.isEmpty() ? "TEST" : "SECURITY");
            json.writeStringField("reporter", REPORTER);
            json.writeStringField("result", outcome instanceof RunOutcome.Succeeded ? "PASSED" : "FAILED");
            json.writeArrayFieldStart("data");
            List<Field> fields = outcome instanceof RunOutcome.Succeeded ok ? fields(ok)
                    : failedFields((RunOutcome.Failed) outcome);
            if (!outcome.annotations().isEmpty()) {
                fields.add(Field.number("Findings", outcome.annotations().size()));
            }
            for (Field field : fields.subList(0, Math.min(fields.size(), MAX_DATA))) {
                field.write(json, mask);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not render the report as JSON", e);
        }
        return out.toString();
    }

    private static String succeeded(RunOutcome.Succeeded ok) {
        PublishResult result = ok.result();
        String digest = result.tags().isEmpty() ? "" : " (" + result.tags().get(0).digest() + ")";
        String tags = String.join(", ", result.tags().stream().map(t -> t.reference().tag().value()).toList());
        boolean nothingNew = !result.tags().isEmpty() && result.tags().stream().allMatch(PushedTag::alreadyThere);
        return (ok.promoted() ? "Promoted " : nothingNew ? "Already in the registry: " : "Pushed ")
                + result.repositoryUri() + digest + " as " + tags
                + (ok.promoted() ? ", nothing built or uploaded" : "") + "; every tag verified in the registry"
                + (result.regions().size() > 1 ? ", in " + result.regions().size() + " regions" : "") + ".";
    }

    /** The failure as the log ends with it: the {@code ✖} line, then the hint. */
    private static String failed(RunOutcome.Failed failed) {
        return "✖ " + failed.failure()
                + (failed.hint() == null || failed.hint().isBlank() ? "" : "\nHint: " + failed.hint());
    }

    private static List<Field> fields(RunOutcome.Succeeded ok) {
        PublishResult result = ok.result();
        ImageFacts facts = result.image();
        List<Field> fields = new ArrayList<>();
        fields.add(Field.text("Image", result.repositoryUri()));
        if (!result.tags().isEmpty()) {
            fields.add(Field.text("Digest", result.tags().get(0).digest().value()));
            fields.add(Field.text("Tags", String.join(", ",
                    result.tags().stream().map(t -> t.reference().tag().value()).toList())));
        }
        facts.size().ifPresent(size -> fields.add(Field.text("Image size", size(size))));
        if (!ok.promoted()) {
            fields.add(Field.duration("Build time", result.build().toMillis()));
        }
        fields.add(Field.duration(ok.promoted() ? "Promotion time" : "Push time", result.push().toMillis()));
        facts.build().ifPresent(steps -> fields.add(Field.text("Build steps from cache",
                steps.cached() + " of " + steps.total())));
        List<String> mirrors = result.regions().stream().skip(1).map(RegionOutcome::region).toList();
        if (!mirrors.isEmpty()) {
            fields.add(Field.text("Mirror regions", String.join(", ", mirrors)));
        }
        return fields;
    }

    private List<Field> failedFields(RunOutcome.Failed failed) {
        List<Field> fields = new ArrayList<>();
        fields.add(Field.number("Exit code", failed.exitCode()));
        target.image().ifPresent(image -> fields.add(Field.text("Image", image)));
        return fields;
    }

    /** A byte count as {@code docker images} writes it: decimal units, three significant digits. */
    static String size(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, value < 10 ? "%.2f %s" : value < 100
                ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /**
     * The bodies of {@code POST …/reports/{id}/annotations}: the {@link #kept} annotations, {@link #BATCH} to a
     * body, each with an {@code external_id} unique in the report, made of the finding's id.
     */
    List<String> annotationBatches(List<ReportAnnotation> annotations) {
        List<ReportAnnotation> kept = kept(annotations);
        Set<String> ids = new HashSet<>();
        List<String> batches = new ArrayList<>();
        for (int from = 0; from < kept.size(); from += BATCH) {
            StringWriter out = new StringWriter();
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartArray();
                for (ReportAnnotation annotation : kept.subList(from, Math.min(kept.size(), from + BATCH))) {
                    json.writeStartObject();
                    json.writeStringField("external_id", externalId(annotation, ids));
                    json.writeStringField("annotation_type", annotation.kind().name());
                    json.writeStringField("severity", annotation.severity().name());
                    json.writeStringField("summary", cut(mask.apply(annotation.summary()), MAX_SUMMARY));
                    if (annotation.details().isPresent()) {
                        json.writeStringField("details", cut(mask.apply(annotation.details().get()), MAX_DETAILS));
                    }
                    if (annotation.link().isPresent()) {
                        json.writeStringField("link", annotation.link().get().toString());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            } catch (IOException e) {
                throw new IllegalStateException("could not render the annotations as JSON", e);
            }
            batches.add(out.toString());
        }
        return batches;
    }

    /** The report's id, a dash and the finding's id in the characters an id takes; made unique when it is not. */
    private String externalId(ReportAnnotation annotation, Set<String> taken) {
        String base = target.id() + "-" + cut(annotation.id().replaceAll("[^A-Za-z0-9._-]+", "-"), 100);
        String id = base;
        for (int n = 2; !taken.add(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** One data field: a title, Bitbucket's type, and a value of that type. */
    private record Field(String title, String type, Optional<String> text, long number) {
        static Field text(String title, String value) {
            return new Field(title, "TEXT", Optional.of(value), 0);
        }

        static Field number(String title, long value) {
            return new Field(title, "NUMBER", Optional.empty(), value);
        }

        /** DURATION: milliseconds, shown by Bitbucket in a readable form. */
        static Field duration(String title, long millis) {
            return new Field(title, "DURATION", Optional.empty(), millis);
        }

        void write(JsonGenerator json, UnaryOperator<String> mask) throws IOException {
            json.writeStartObject();
            json.writeStringField("title", title);
            json.writeStringField("type", type);
            if (text.isPresent()) {
                json.writeStringField("value", mask.apply(text.get()));
            } else {
                json.writeNumberField("value", number);
            }
            json.writeEndObject();
        }
    }
}
