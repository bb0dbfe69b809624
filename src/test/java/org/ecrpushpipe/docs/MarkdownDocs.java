package org.ecrpushpipe.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's user documentation as the documentation tests read it: README.md and the pages under docs/, their
 * headings as Bitbucket anchors them, and their relative links.
 */
final class MarkdownDocs {
    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("docs");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#*$");
    private static final Pattern FENCED = Pattern.compile("(?ms)^ *```.*?^ *```");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private MarkdownDocs() {
    }

    /** README.md, then the pages of docs/ by name. */
    static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(README));
        try (Stream<Path> pages = Files.list(DOCS)) {
            pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** The text outside fenced code blocks, where headings and links are. */
    static String prose(Path document) {
        try {
            return FENCED.matcher(Files.readString(document)).replaceAll("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The anchor Bitbucket gives a Markdown heading: {@code markdown-header-} and Python-Markdown's slug of the
     * heading's text (inline code shown as its text; letters, digits, {@code _} and {@code -} kept, lower case, runs
     * of spaces and dashes one dash).
     */
    static String bitbucketAnchor(String heading) {
        String text = heading.replace("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1").replace("*", "");
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("[^\\p{ASCII}]", "");
        return "markdown-header-" + ascii.replaceAll("[^\\w\\s-]", "").strip().toLowerCase(Locale.ROOT)
                .replaceAll("[-\\s]+", "-");
    }

    /** The texts of a document's headings, in order. */
    static List<String> headings(Path document) {
        Matcher heading = HEADING.matcher(prose(document));
        List<String> headings = new ArrayList<>();
        while (heading.find()) {
            headings.add(heading.group(1));
        }
        return headings;
    }

    /** The anchors of a document's headings. */
    static Set<String> anchors(Path document) {
        Set<String> anchors = new LinkedHashSet<>();
        headings(document).forEach(h -> anchors.add(bitbucketAnchor(h)));
        return anchors;
    }

    /** The targets of a document's links that lead within the repository (no scheme), as written. */
    static List<String> relativeLinks(Path document) {
        Matcher link = LINK.matcher(prose(document));
        List<String> links = new ArrayList<>();
        while (link.find()) {
            if (!link.group(1).matches("[a-z][a-z0-9+.-]*:.*")) {
                links.add(link.group(1));
            }
        }
        return links;
    }

    /**
     * Why a relative link of {@code document} leads nowhere, or null when it leads to a file that exists and, with a
     * {@code #fragment}, to a heading of that Markdown file.
     */
    static String brokenLink(Path document, String link) {
        int hash = link.indexOf('#');
        String file = hash < 0 ? link : link.substring(0, hash);
        Path target = file.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(target)) {
            return document + ": " + link + " names no file (" + target + ")";
        }
        if (hash >= 0) {
            String fragment = link.substring(hash + 1);
            if (!target.toString().endsWith(".md") || !anchors(target).contains(fragment)) {
                return document + ": " + link + " names no heading of " + target + "; its anchors: "
                        + (target.toString().endsWith(".md") ? anchors(target) : "none");
            }
        }
        return null;
    }
}
