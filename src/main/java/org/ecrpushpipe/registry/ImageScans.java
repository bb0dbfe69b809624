package org.ecrpushpipe.registry;

import java.util.Optional;

import org.ecrpushpipe.config.Tag;

/**
 * ECR's image scanning, which the scan gate waits on, and the removal of the gate's candidate tag: only ECR scans
 * images through its API. Implementations translate their library's failures into
 * {@link org.ecrpushpipe.errors.PipeException}s, but answer ECR's answers that are not failures here (a scan already
 * made today, no scan yet) as values.
 */
public interface ImageScans {

    /** Starts a basic scan of the image (ECR's StartImageScan). */
    ScanStart startScan(String repository, Digest manifestDigest);

    /**
     * The image's scan as ECR describes it now (DescribeImageScanFindings), with every finding once it is done.
     *
     * @return empty when ECR has no scan of the image (ScanNotFoundException)
     */
    Optional<ScanReport> scan(String repository, Digest manifestDigest);

    /** Removes one tag; the image keeps its other tags (ECR's BatchDeleteImage by tag). */
    void removeTag(String repository, Tag tag);
}
