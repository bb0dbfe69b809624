package org.ecrpushpipe.registry;

/**
 * How ECR answered a request to scan an image.
 *
 * @param outcome what it said
 * @param detail  ECR's own words, when it did not start a scan; empty otherwise
 */
public record ScanStart(Outcome outcome, String detail) {
    /** What ECR did with the request. */
    public enum Outcome {
        /** A scan is under way. */
        STARTED,
        /**
         * ECR scanned the image already, or is scanning it (LimitExceededException: a basic scan of an image once per
         * 24 hours, a scan on push included): its findings are the ones to read.
         */
        ALREADY_SCANNED,
        /** The image is of a kind ECR cannot scan (UnsupportedImageTypeException). */
        UNSUPPORTED,
        /**
         * ECR refused to start one for another reason (ValidationException: a registry with enhanced scanning
         * scans on its own rules, and starts none on request); a scan may still come, from the registry's rules.
         */
        REFUSED
    }

    public static final ScanStart STARTED = new ScanStart(Outcome.STARTED, "");
}
