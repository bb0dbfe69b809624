package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.PullAccess;
import org.junit.jupiter.api.Test;

/** The build API's query parameters for a request's options, as the docker CLI sends them. */
class BuildOptionsTest {

    private static String decoded(BuildRequest request) {
        return URLDecoder.decode(BuildOptions.query(request), StandardCharsets.UTF_8);
    }

    @Test
    void noOptionNoParameter() {
        assertEquals("", BuildOptions.query(new BuildRequest(null)));
    }

    @Test
    void everyOption() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("b", "two words");
        labels.put("a", "x=\"y\"");
        BuildRequest request = new BuildRequest(null, List.of(new BuildArg("SET", Optional.of("v&1")),
                new BuildArg("EMPTY", Optional.of("")), new BuildArg("UNSET", Optional.empty())),
                Optional.of("release"), labels, true, true, BuildRequest.HOST_NETWORK, BuildCache.NONE, PullAccess.NONE);
        assertEquals("&buildargs={\"SET\":\"v&1\",\"EMPTY\":\"\",\"UNSET\":null}"
                + "&labels={\"b\":\"two words\",\"a\":\"x=\\\"y\\\"\"}&target=release&nocache=1&pull=1",
                decoded(request));
    }

    @Test
    void aStageCacheImageIsBuiltToItsStageWithTheSameArgumentsWhateverTarget() {
        BuildRequest request = new BuildRequest(null, List.of(new BuildArg("V", Optional.of("1"))),
                Optional.of("release"), Map.of(), false, false, BuildRequest.HOST_NETWORK, BuildCache.NONE,
                PullAccess.NONE);
        BuildRequest stage = request.withCache(new BuildCache(List.of("cache-src"), Optional.of("builder"), false));
        assertEquals("&buildargs={\"V\":\"1\"}&target=builder", decoded(stage));
        assertEquals("&buildargs={\"V\":\"1\"}&target=release", decoded(request));
    }

    @Test
    void aFailedStepKeepsItsLastTenLinesWithoutTheEnginesBookkeeping() {
        StepOutput output = new StepOutput();
        output.add("from an earlier step\n");
        output.newStep();
        output.add(" ---> Running in 0123456789ab\n");
        for (int i = 1; i <= 12; i++) {
            output.add("line " + i + "\n");
        }
        output.add("Removing intermediate container 0123456789ab\n");
        assertEquals(List.of("line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10",
                "line 11", "line 12"), output.lastLines());
    }
}
