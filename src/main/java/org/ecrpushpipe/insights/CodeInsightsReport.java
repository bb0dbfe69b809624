package org.ecrpushpipe.insights;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.ecrpushpipe.config.ReportSettings;
import org.ecrpushpipe.publish.RunOutcome;
import org.ecrpushpipe.publish.RunReport;

/**
 * {@link RunReport} as a Bitbucket Code Insights report on the commit: {@code PUT} of the report (which creates it,
 * or replaces the one an earlier run of the same step left), then its annotations, {@value ReportDocument#BATCH} to
 * a {@code POST}, through the pipeline's proxy. The whole report is bounded by {@link Limits}: sent at the end of
 * the run, it costs a fraction of a second when the proxy answers and a few seconds when it hangs, and whatever
 * happens it only comes back as the line the console shows.
 */
public final class CodeInsightsReport implements RunReport {
    private final ReportSettings.Target target;
    private final ReportDocument document;
    private final ProxyClient client;
    private final Limits limits;
    private final LongSupplier nanoTime;

    /**
     * How long the report may take.
     *
     * @param connect  to connect to the proxy
     * @param request  one request, its answer included
     * @param report   the report and all its annotations together
     */
    public record Limits(Duration connect, Duration request, Duration report) {
        /** 2 s to connect (the proxy is on the step's host), 5 s a request, 15 s in all. */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(15));
    }

    /**
     * @param target where the report goes
     * @param mask   the console's mask, which every text of the report passes through
     */
    public CodeInsightsReport(ReportSettings.Target target, UnaryOperator<String> mask) {
        this(target, mask, Limits.DEFAULT, System::nanoTime);
    }

    CodeInsightsReport(ReportSettings.Target target, UnaryOperator<String> mask, Limits limits,
                       LongSupplier nanoTime) {
        this.target = target;
        this.document = new ReportDocument(target, mask);
        this.client = new ProxyClient(target.proxy(), limits.connect());
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** Sends the report; whatever goes wrong, even a fault of this code, comes back as the warning. */
    @Override
    public Delivery send(RunOutcome outcome) {
        String commit = target.commit().substring(0, Math.min(12, target.commit().length()));
        try {
            return send(outcome, commit);
        } catch (RuntimeException | LinkageError e) { // LinkageError: a runtime without java.net.http, say
            return Delivery.notSent("The Code Insights report on commit " + commit + " was not sent: " + e
                    + ". The run's outcome does not depend on it.");
        }
    }

    private Delivery send(RunOutcome outcome, String commit) {
        long deadline = nanoTime.getAsLong() + limits.report().toNanos();
        String report = document.report(outcome);
        List<String> batches = document.annotationBatches(outcome.annotations());
        String path = "repositories/" + segment(target.workspace()) + "/" + segment(target.repository())
                + "/commit/" + segment(target.commit()) + "/reports/" + segment(target.id());
        try {
            client.send("PUT", path, report, within(deadline));
        } catch (ProxyClient.NotSent e) {
            return Delivery.notSent("The Code Insights report on commit " + commit + " was not sent: "
                    + e.getMessage() + ". The run's outcome does not depend on it.");
        }
        int kept = ReportDocument.kept(outcome.annotations()).size();
        int sent = 0;
        try {
            for (String batch : batches) {
                client.send("POST", path + "/annotations", batch, within(deadline));
                sent += Math.min(ReportDocument.BATCH, kept - sent);
            }
        } catch (ProxyClient.NotSent e) {
            return Delivery.notSent("The Code Insights report on commit " + commit + " was sent, but " + sent
                    + " of its " + kept + " annotations only: " + e.getMessage() + ".");
        }
        return Delivery.sent("Code Insights report '" + document.title() + "' sent to commit " + commit
                + (kept == 0 ? "" : ", with " + kept + " annotation" + (kept == 1 ? "" : "s")) + ".");
    }

    /** The time the next request may take: {@link Limits#request()}, or what is left of the report's time. */
    private Duration within(long deadline) throws ProxyClient.NotSent {
        long left = deadline - nanoTime.getAsLong();
        if (left <= 0) {
            throw new ProxyClient.NotSent("its " + limits.report().toSeconds() + " s were up");
        }
        return Duration.ofNanos(Math.min(left, limits.request().toNanos()));
    }

    /** One segment of the API's path, percent-encoded (a workspace may be a {UUID}). */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
