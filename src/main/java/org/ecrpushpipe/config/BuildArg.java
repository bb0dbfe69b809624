package org.ecrpushpipe.config;

import java.util.Optional;

/**
 * One build argument, as {@code docker build --build-arg} takes it: a name, and a value — or none, when a bare
 * {@code KEY} named a variable the pipe's environment does not hold (the Dockerfile's {@code ARG} default then
 * applies, as with the docker CLI). Values may be secrets of the user's: {@link #toString()} never shows them,
 * and the pipe never prints them.
 *
 * @param name  the argument's name
 * @param value its value; empty for a bare name with no variable of that name
 */
public record BuildArg(String name, Optional<String> value) {
    @Override
    public String toString() {
        return name + (value.isPresent() ? "=****" : "");
    }
}
