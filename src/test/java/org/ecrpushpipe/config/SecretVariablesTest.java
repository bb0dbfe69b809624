package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BUILD_SECRETS read from environment maps: docker build --secret's items, space separated or as a YAML list, each
 * value read once (a variable passed by name, a file in the clone), every bad item named without its value.
 */
class SecretVariablesTest {
    private static final String URI_IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";
    private static final String TOKEN = "npm_SecretTokenValue0123456789";

    @TempDir
    Path work;
    Path clone;

    @BeforeEach
    void makeClone() throws IOException {
        clone = Files.createDirectories(work.resolve("clone"));
        Files.writeString(clone.resolve("Dockerfile"), "FROM scratch\n");
        Files.write(clone.resolve(".netrc"), "machine npm.example.com login ci password netrc-Secret-42\n"
                .getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> valid(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", URI_IMAGE, "NPM_TOKEN", TOKEN));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private List<BuildSecret> secrets(Map<String, String> env) {
        return ConfigReader.read(env, clone).config().buildSettings().secrets();
    }

    private List<String> problems(Map<String, String> env) {
        List<Problem> problems = assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(env, clone))
                .problems();
        problems.forEach(p -> assertFalse(p.message().contains(TOKEN) || p.message().contains("netrc-Secret-42"),
                "no secret in a problem: " + p));
        return problems.stream().map(p -> p.variable() + ": " + p.message()).toList();
    }

    @Test
    void aVariableAndAFileSpaceSeparatedInTheirOrder() throws IOException {
        List<BuildSecret> secrets = secrets(valid("BUILD_SECRETS", "id=npm,env=NPM_TOKEN id=netrc,src=.netrc"));
        assertEquals(List.of("npm", "netrc"), secrets.stream().map(BuildSecret::id).toList());
        assertArrayEquals(TOKEN.getBytes(StandardCharsets.UTF_8), secrets.get(0).reveal());
        assertArrayEquals(Files.readAllBytes(clone.resolve(".netrc")), secrets.get(1).reveal());
        assertEquals("the variable NPM_TOKEN", secrets.get(0).source());
        assertEquals("the file .netrc", secrets.get(1).source());
        assertFalse(secrets.toString().contains(TOKEN), secrets.toString());
    }

    @Test
    void aYamlListWithTheCliOwnSpellings() {
        List<BuildSecret> secrets = secrets(valid("BUILD_SECRETS_COUNT", "2",
                "BUILD_SECRETS_0", "type=env,id=npm,env=NPM_TOKEN", "BUILD_SECRETS_1", "ID=netrc,source=./.netrc"));
        assertEquals(List.of("npm", "netrc"), secrets.stream().map(BuildSecret::id).toList());
    }

    @Test
    void theValuesAreMaskedWholeAndByLine() {
        PipeConfig config = ConfigReader.read(valid("BUILD_SECRETS", "id=npm,env=NPM_TOKEN id=netrc,src=.netrc"),
                clone).config();
        assertTrue(config.secretValues().contains(TOKEN), "the variable's value is masked");
        assertTrue(config.secretValues().contains("machine npm.example.com login ci password netrc-Secret-42"),
                "a file's line is masked");
    }

    @Test
    void badItemsAreEachNamed() {
        assertEquals(List.of(
                "BUILD_SECRETS: 'npm' is not id=ID,env=VARIABLE or id=ID,src=FILE: 'npm' is not key=value",
                "BUILD_SECRETS: 'env=NPM_TOKEN' is not id=ID,env=VARIABLE or id=ID,src=FILE: it names no id",
                "BUILD_SECRETS: 'id=a' is not id=ID,env=VARIABLE or id=ID,src=FILE: it names neither env nor src",
                "BUILD_SECRETS: 'id=b,env=NPM_TOKEN,src=.netrc' is not id=ID,env=VARIABLE or id=ID,src=FILE: it names"
                        + " both env and src",
                "BUILD_SECRETS: 'id=c,required=true,env=X' is not id=ID,env=VARIABLE or id=ID,src=FILE: 'required'"
                        + " is not one of id, env, src",
                "BUILD_SECRETS: 'id=d,id=e,env=NPM_TOKEN' is not id=ID,env=VARIABLE or id=ID,src=FILE: id is given"
                        + " twice",
                "BUILD_SECRETS: 'id=,env=NPM_TOKEN' is not id=ID,env=VARIABLE or id=ID,src=FILE: id is empty",
                "BUILD_SECRETS: 'type=file,id=f,env=NPM_TOKEN' is not id=ID,env=VARIABLE or id=ID,src=FILE: type=file"
                        + " does not go with env"),
                problems(valid("BUILD_SECRETS", "npm env=NPM_TOKEN id=a id=b,env=NPM_TOKEN,src=.netrc"
                        + " id=c,required=true,env=X id=d,id=e,env=NPM_TOKEN id=,env=NPM_TOKEN"
                        + " type=file,id=f,env=NPM_TOKEN")));
    }

    @Test
    void aDuplicateIdIsNamed() {
        assertEquals(List.of("BUILD_SECRETS: the id 'npm' is given twice; give each secret once"),
                problems(valid("BUILD_SECRETS", "id=npm,env=NPM_TOKEN id=npm,src=.netrc")));
    }

    @Test
    void aVariableNotSetOrEmptyIsNamedWithHowToPassIt() {
        assertEquals(List.of("BUILD_SECRETS: id=npm: the variable NPM_AUTH is not set; pass it to the pipe"
                        + " (NPM_AUTH: $NPM_AUTH) and check that it is defined for this step",
                "BUILD_SECRETS: id=pip: the variable PIP_TOKEN is empty; pass it to the pipe (PIP_TOKEN: $PIP_TOKEN)"
                        + " and check that it is defined for this step"),
                problems(valid("BUILD_SECRETS", "id=npm,env=NPM_AUTH id=pip,env=PIP_TOKEN", "PIP_TOKEN", "")));
    }

    @Test
    void filesMissingADirectoryOutsideTheCloneOrUnreadableAreNamed() throws IOException {
        Files.createDirectories(clone.resolve("keys"));
        Path outside = Files.writeString(work.resolve("outside.txt"), "outside-Secret-99\n");
        Files.createSymbolicLink(clone.resolve("link.txt"), outside);
        List<String> problems = problems(valid("BUILD_SECRETS", "id=a,src=missing.txt id=b,src=keys"
                + " id=c,src=../outside.txt id=d,src=" + outside + " id=e,src=link.txt"));
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("BUILD_SECRETS: id=a: the file 'missing.txt' does not exist"),
                problems.get(0));
        assertEquals("BUILD_SECRETS: id=b: the file 'keys' is a directory; name a file", problems.get(1));
        for (String problem : problems.subList(2, 5)) {
            assertTrue(problem.contains("lies outside the working directory (the clone)"), problem);
            assertFalse(problem.contains("outside-Secret-99"), problem);
        }
    }

    @Test
    void anUnreadableFileIsNamed() throws IOException {
        Path file = clone.resolve("locked.txt");
        Files.writeString(file, "locked-Secret-7\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(file)) {
            // root reads every file: the reader's refusal is then the one a failing read gives
            Files.delete(file);
            Files.createDirectories(file);
            assertEquals(List.of("BUILD_SECRETS: id=l: the file 'locked.txt' is a directory; name a file"),
                    problems(valid("BUILD_SECRETS", "id=l,src=locked.txt")));
            return;
        }
        assertEquals(List.of("BUILD_SECRETS: id=l: the file 'locked.txt' cannot be read (permission denied)"),
                problems(valid("BUILD_SECRETS", "id=l,src=locked.txt")));
    }

    @Test
    void secretsNeedBuildKitAndABuild() {
        assertEquals(List.of("BUILD_SECRETS: build secrets need BuildKit, but BUILDER is classic; set BUILDER: auto"
                        + " (or buildkit), or remove BUILD_SECRETS"),
                problems(valid("BUILD_SECRETS", "id=npm,env=NPM_TOKEN", "BUILDER", "classic")));
        assertTrue(problems(valid("BUILD_SECRETS", "id=npm,env=NPM_TOKEN", "LOCAL_IMAGE", "my-app")).get(0)
                .contains("BUILD_SECRETS has nothing to build"));
    }

    @Test
    void aSecretFileTheContextWouldSendIsAWarningUntilDockerignoreExcludesIt() throws IOException {
        String warning = "BUILD_SECRETS id=netrc: .netrc is in the build context and not excluded by .dockerignore,"
                + " so it is sent to the engine with the context (and COPY . would put it in the image); add it to"
                + " .dockerignore.";
        Map<String, String> env = valid("BUILD_SECRETS", "id=netrc,src=.netrc");
        assertTrue(ConfigReader.read(env, clone).warnings().contains(warning));
        Files.writeString(clone.resolve(".dockerignore"), ".netrc\n");
        assertFalse(ConfigReader.read(env, clone).warnings().contains(warning));
    }
}
