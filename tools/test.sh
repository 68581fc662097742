#!/usr/bin/env bash
# The README's test command, and exactly what CI runs (.ci/run): install what the tests need, then run them all.
#  - Python: catalyse with its [test] and [fast] extras (pytest, playwright — never `playwright install`; numba for
#    the compiled brokerage engine, whose tests run beside the numpy engine's);
#  - Debian (when root, or already there): chromium for the browser tests, R with sna/network for the live
#    reference checks, Java 17 + Maven for the Neo4j launcher;
#  - Neo4j 5.26 and its Graph Data Science plugin from Maven Central, built by tools/neo4j (the tests start it on a
#    free 127.0.0.1 port).
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k contract`.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(sna); library(network)' >/dev/null 2>&1 \
  || need+=(r-base-core r-cran-sna r-cran-network)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "test.sh: missing Debian packages (${need[*]}); install them as root, or the tests that need them skip" >&2
  fi
fi

echo "test.sh: installing catalyse, its compiled extra and its test dependencies"
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".[test,fast]"

echo "test.sh: building the Neo4j launcher with Graph Data Science (first time: Maven downloads Neo4j 5.26 and GDS 2.13 from Maven Central)"
python3 tools/neo4j/server.py build --gds

echo "test.sh: ruff (lint and format) on the whole tree"
python3 -m ruff check .
python3 -m ruff format --check .

echo "test.sh: mypy (the packages listed in pyproject.toml's [tool.mypy])"
python3 -m mypy

echo "test.sh: Java 25 for the first load's AOT cache test: $(ls -d /usr/lib/jvm/*-25* 2>/dev/null | head -1 || true)"
exec python3 -m pytest "$@"
