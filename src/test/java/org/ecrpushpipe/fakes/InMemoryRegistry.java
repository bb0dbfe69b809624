package org.ecrpushpipe.fakes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.CreationTemplate;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * One ECR registry in memory, for the use case's tests: its repositories (all of one tag mutability), the images it
 * holds by manifest digest (each with its config digest, the image id), the tags that name them, and what was asked
 * of it. Each login hands out a new password ({@code pw-1}, {@code pw-2}, …). The administration a test does not
 * care about answers as an account without templates, tags, policies or archived images would; a test overrides
 * what it wants to watch or refuse.
 */
public class InMemoryRegistry implements Registry, EcrRepositories {
    private final String host;
    /** The tag mutability every repository has. */
    public String mutability = "MUTABLE";
    /** The tag filters of a {@code *_WITH_EXCLUSION} mutability. */
    public List<String> exclusionFilters = List.of();
    /** Whether the repositories exist. */
    public boolean repositoryExists = true;
    /** Tag → the image it names. */
    public final Map<String, TaggedImage> tags = new LinkedHashMap<>();
    /** Manifest digest → the image's config digest, for every image held. */
    public final Map<Digest, Digest> images = new HashMap<>();
    /** The tags added on the registry's side, in order. */
    public final List<String> added = new ArrayList<>();
    /** How often the run logged in. */
    public int logins;
    /** Manifest digest → the manifest's text, for the manifests a test gives the registry (and those written). */
    public final Map<Digest, Manifest> manifests = new HashMap<>();
    /** Blob digest → its bytes (images' configurations). */
    public final Map<Digest, byte[]> blobs = new HashMap<>();
    /** The manifests written on the registry's side, as "tag digest", in order. */
    public final List<String> written = new ArrayList<>();

    /** @param host the registry host the login names */
    public InMemoryRegistry(String host) {
        this.host = host;
    }

    /** The registry of account 123456789012 in {@code region}. */
    public static InMemoryRegistry inRegion(String region) {
        return new InMemoryRegistry("123456789012.dkr.ecr." + region + ".amazonaws.com");
    }

    /** The registry host. */
    public String host() {
        return host;
    }

    /** Holds the image {@code manifest} (of config {@code config}) under these tags. */
    public InMemoryRegistry holding(Digest manifest, Digest config, String... tagNames) {
        images.put(manifest, config);
        for (String tag : tagNames) {
            tags.put(tag, new TaggedImage(manifest, Optional.of(config)));
        }
        return this;
    }

    @Override
    public RegistryCredentials login() {
        logins++;
        return new RegistryCredentials(host, "AWS", Secret.of("pw-" + logins), Instant.EPOCH);
    }

    @Override
    public Optional<TaggedImage> image(String repository, Tag tag) {
        return Optional.ofNullable(tags.get(tag.value()));
    }

    @Override
    public TagAndDigest images(String repository, Tag tag, Digest manifestDigest) {
        return new TagAndDigest(image(repository, tag), Optional.ofNullable(images.get(manifestDigest))
                .map(config -> new TaggedImage(manifestDigest, Optional.of(config))));
    }

    @Override
    public Map<Tag, TaggedImage> heldTags(String repository, List<Tag> wanted) {
        Map<Tag, TaggedImage> held = new LinkedHashMap<>();
        wanted.stream().filter(t -> tags.containsKey(t.value())).forEach(t -> held.put(t, tags.get(t.value())));
        return held;
    }

    /** Stores the manifest under the tag, unless the tag is immutable and names another one. */
    @Override
    public TaggedImage addTag(String repository, Digest manifestDigest, Tag tag) {
        TaggedImage held = tags.get(tag.value());
        boolean immutable = repository(repository).map(r -> r.isImmutable(tag)).orElse(false);
        if (held != null && !held.manifestDigest().equals(manifestDigest) && immutable) {
            return held;
        }
        added.add(tag.value());
        TaggedImage now = new TaggedImage(manifestDigest, Optional.ofNullable(images.get(manifestDigest)));
        tags.put(tag.value(), now);
        return now;
    }

    /** Holds this manifest under these tags (an image's, with its config digest when it names one). */
    public InMemoryRegistry holding(Manifest manifest, String... tagNames) {
        manifests.put(manifest.digest(), manifest);
        Optional<Digest> config = manifest.config().map(Manifest.Descriptor::digest);
        config.ifPresent(c -> images.put(manifest.digest(), c));
        for (String tag : tagNames) {
            tags.put(tag, new TaggedImage(manifest.digest(), config));
        }
        return this;
    }

    @Override
    public Optional<Manifest> manifest(String repository, String reference) {
        if (reference.contains(":")) {
            return Optional.ofNullable(manifests.get(Digest.of(reference)));
        }
        return Optional.ofNullable(tags.get(reference)).map(t -> manifests.get(t.manifestDigest()));
    }

    @Override
    public Optional<byte[]> blob(String repository, Digest digest) {
        return Optional.ofNullable(blobs.get(digest));
    }

    /** Stores the manifest under the tag, unless the tag is immutable and names another one. */
    @Override
    public TaggedImage putManifest(String repository, Manifest manifest, Tag tag) {
        TaggedImage held = tags.get(tag.value());
        boolean immutable = repository(repository).map(r -> r.isImmutable(tag)).orElse(false);
        if (held != null && !held.manifestDigest().equals(manifest.digest()) && immutable) {
            return held;
        }
        written.add(tag.value() + " " + manifest.digest());
        manifests.put(manifest.digest(), manifest);
        images.putIfAbsent(manifest.digest(), manifest.digest());
        TaggedImage now = new TaggedImage(manifest.digest(), Optional.empty());
        tags.put(tag.value(), now);
        return now;
    }

    @Override
    public Optional<Repository> repository(String name) {
        return repositoryExists ? Optional.of(new Repository(name, host + "/" + name, mutability, exclusionFilters))
                : Optional.empty();
    }

    @Override
    public Optional<Repository> createRepository(String name, RepositorySpec spec) {
        repositoryExists = true;
        mutability = spec.tagMutability();
        exclusionFilters = spec.exclusionFilters();
        return repository(name);
    }

    @Override
    public Optional<String> lifecyclePolicy(String repository) {
        return Optional.empty();
    }

    @Override
    public void putLifecyclePolicy(String repository, String policyText) {
    }

    @Override
    public Optional<CreationTemplate> creationTemplateFor(String repository) {
        return Optional.empty();
    }

    @Override
    public Map<String, String> resourceTags(String repository) {
        return Map.of();
    }

    @Override
    public Map<Tag, Digest> archivedTags(String repository) {
        return Map.of();
    }
}
