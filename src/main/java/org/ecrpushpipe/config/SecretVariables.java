package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.context.BuildContext;

/**
 * Reads BUILD_SECRETS: items in {@code docker build --secret}'s own syntax, {@code id=npm,env=NPM_TOKEN} (the value
 * of the variable NPM_TOKEN, passed to the pipe by name as a bare BUILD_ARGS key is) or {@code id=netrc,src=.netrc}
 * (a file in the clone). Each value is read here, once, so that the console can mask it before anything runs and a
 * problem with it stops the run before the build; no value is ever quoted in a problem.
 */
final class SecretVariables {
    private final VariableReader reader;

    SecretVariables(VariableReader reader) {
        this.reader = reader;
    }

    /** One item's fields, as the docker CLI reads them (keys in any case; {@code source} is {@code src}). */
    private record Item(String written, Map<String, String> fields) {
        Optional<String> field(String name) {
            return Optional.ofNullable(fields.get(name));
        }
    }

    /** The secrets, in the order given; those with a problem are reported and left out. */
    List<BuildSecret> read() {
        List<BuildSecret> secrets = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String written : reader.list(Variable.BUILD_SECRETS).orElse(List.of())) {
            Item item = parse(written);
            if (item == null) {
                continue;
            }
            String id = item.field("id").orElseThrow();
            if (!ids.add(id)) {
                reader.problem(Variable.BUILD_SECRETS, "the id '" + id + "' is given twice; give each secret once");
                continue;
            }
            Optional<BuildSecret> secret = item.field("env").isPresent() ? fromVariable(id, item.fields().get("env"))
                    : fromFile(id, item.fields().get("src"));
            secret.ifPresent(secrets::add);
        }
        return secrets;
    }

    /** The item's fields, or null after reporting why it is not {@code id=…,env=…} or {@code id=…,src=…}. */
    private Item parse(String written) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : written.split(",", -1)) {
            int equals = field.indexOf('=');
            String key = equals < 0 ? field : field.substring(0, equals).toLowerCase(Locale.ROOT);
            key = key.equals("source") ? "src" : key;
            if (equals <= 0 || !Set.of("id", "env", "src", "type").contains(key) || fields.containsKey(key)
                    || field.substring(equals + 1).isEmpty()) {
                return notAnItem(written, equals <= 0 ? "'" + field + "' is not key=value"
                        : fields.containsKey(key) ? key + " is given twice"
                        : field.substring(equals + 1).isEmpty() ? key + " is empty"
                        : "'" + field.substring(0, equals) + "' is not one of id, env, src");
            }
            fields.put(key, field.substring(equals + 1));
        }
        return checked(new Item(written, fields));
    }

    /** The item when it names an id and exactly one source (and a type, if any, that agrees); else null. */
    private Item checked(Item item) {
        if (item.field("id").isEmpty()) {
            return notAnItem(item.written(), "it names no id");
        }
        if (item.field("env").isPresent() == item.field("src").isPresent()) {
            return notAnItem(item.written(), item.field("env").isPresent() ? "it names both env and src"
                    : "it names neither env nor src");
        }
        Optional<String> type = item.field("type");
        String kind = item.field("env").isPresent() ? "env" : "file";
        if (type.isPresent() && !type.get().equalsIgnoreCase(kind)) {
            return notAnItem(item.written(), "type=" + type.get() + " does not go with " + (kind.equals("env")
                    ? "env" : "src"));
        }
        return item;
    }

    private Item notAnItem(String written, String why) {
        reader.problem(Variable.BUILD_SECRETS, "'" + written + "' is not id=ID,env=VARIABLE or id=ID,src=FILE: "
                + why);
        return null;
    }

    /** The value of a variable passed to the pipe by name; it must be set and not empty. */
    private Optional<BuildSecret> fromVariable(String id, String name) {
        Optional<String> value = reader.passedThrough(name);
        if (value.isEmpty() || value.get().isEmpty()) {
            reader.problem(Variable.BUILD_SECRETS, "id=" + id + ": the variable " + name + " is "
                    + (value.isEmpty() ? "not set" : "empty") + "; pass it to the pipe (" + name + ": $" + name
                    + ") and check that it is defined for this step");
            return Optional.empty();
        }
        return Optional.of(new BuildSecret(id, "the variable " + name,
                value.get().getBytes(StandardCharsets.UTF_8)));
    }

    /** The bytes of a file in the clone, named relative to it. */
    private Optional<BuildSecret> fromFile(String id, String written) {
        String cannot = "id=" + id + ": the file '" + written + "' ";
        Path clone = realClone();
        Path file;
        try {
            file = reader.workingDirectory().resolve(written).normalize();
        } catch (RuntimeException e) {
            reader.problem(Variable.BUILD_SECRETS, cannot + "is not a valid path");
            return Optional.empty();
        }
        if (!Files.exists(file)) {
            reader.problem(Variable.BUILD_SECRETS, cannot + "does not exist (looked at " + file + ")");
            return Optional.empty();
        }
        Optional<Path> real = realPath(file);
        if (clone == null || real.isEmpty() || !real.get().startsWith(clone)) {
            reader.problem(Variable.BUILD_SECRETS, cannot + "lies outside the working directory (the clone); a"
                    + " secret file must be in it (write it there in an earlier script line)");
            return Optional.empty();
        }
        return readFile(id, written, cannot, real.get());
    }

    private Optional<BuildSecret> readFile(String id, String written, String cannot, Path file) {
        if (Files.isDirectory(file)) {
            reader.problem(Variable.BUILD_SECRETS, cannot + "is a directory; name a file");
            return Optional.empty();
        }
        try {
            return Optional.of(new BuildSecret(id, "the file " + written, Files.readAllBytes(file),
                    Optional.of(file)));
        } catch (IOException | RuntimeException e) {
            reader.problem(Variable.BUILD_SECRETS, cannot + "cannot be read" + (Files.isReadable(file) ? ""
                    : " (permission denied)"));
            return Optional.empty();
        }
    }

    /**
     * Warns of a secret file that the build context sends (inside BUILD_CONTEXT, not excluded by .dockerignore):
     * the engine then holds it with the context, and a {@code COPY .} puts it in the image.
     */
    static void warnIfSent(List<BuildSecret> secrets, BuildContext context, VariableReader reader) {
        Set<String> sent = new LinkedHashSet<>(context.paths());
        for (BuildSecret secret : secrets) {
            secret.file().filter(f -> f.startsWith(context.directory()))
                    .map(f -> context.directory().relativize(f).toString().replace('\\', '/'))
                    .filter(sent::contains)
                    .ifPresent(f -> reader.warning("BUILD_SECRETS id=" + secret.id() + ": " + f + " is in the build"
                            + " context and not excluded by .dockerignore, so it is sent to the engine with the"
                            + " context (and COPY . would put it in the image); add it to .dockerignore."));
        }
    }

    private Path realClone() {
        return realPath(reader.workingDirectory()).orElse(null);
    }

    private static Optional<Path> realPath(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
