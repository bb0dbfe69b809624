package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A failed step's last lines, as the classic builder streams them: stderr in colour, bookkeeping lines between. */
class StepOutputTest {

    @Test
    void theEnginesColourCodesAreNotQuoted() {
        StepOutput output = new StepOutput();
        // stderr before stdout: the engine's reset lands at the start of the stdout line
        output.add("\u001B[91mKilled\n");
        output.add("\u001B[0mallocating\n");
        output.add("\u001B[0m\n");
        output.add("Removing intermediate container 127d100ac685\n");
        assertEquals(List.of("Killed", "allocating"), output.lastLines());
    }
}
