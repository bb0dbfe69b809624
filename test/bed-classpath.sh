#!/usr/bin/env bash
# Prints the class path that runs the test bed's mains (org.ecrpushpipe.testbed.BedMain,
# org.ecrpushpipe.standin.EcrStandInMain): the compiled test and main classes plus the test-scope
# dependencies. Expects `./mvnw package -DskipTests` to have run (it compiles the test classes too).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f target/test-classpath.txt || pom.xml -nt target/test-classpath.txt ]]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
fi
printf '%s\n' "$PWD/target/test-classes:$PWD/target/classes:$(cat target/test-classpath.txt)"
