#!/usr/bin/env bash
# Set up liealg on a fresh machine: the CPU build of torch (never a multi-GB CUDA build), the
# package and its dependencies. With --test, also the test tools, the dask extra (the sweep tests
# start a real Dask scheduler and workers) and GAP (a Debian package) for the cross-check of
# algebra names.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--test" ]; then
    if ! command -v gap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        # GAP is optional: without it the GAP cross-check tests are skipped.
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gap-core gap-libs >/dev/null) \
            || echo "setup: GAP could not be installed; the GAP cross-check tests will be skipped" >&2
    fi
    extras=".[test]"  # pytest, hypothesis, ruff, mypy; Dask and pyarrow; mkdocs, nbclient and ipykernel for the docs
else
    extras="."
fi
# torch==2.13.0 is the CPU build this kind of machine carries; a bare "torch" would fetch CUDA.
python -m pip install -q "torch==2.13.0" -e "$extras"
