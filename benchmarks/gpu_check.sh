#!/usr/bin/env bash
# The GPU check, in one go, for a lent GPU machine (a few minutes of device time): set up the
# package with a CUDA build of torch if the machine has none, then time so(32), e6 and e7 on the
# GPU beside the CPU. CPU stays the tested default; CI never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import torch; assert torch.cuda.is_available()" 2>/dev/null \
    || python -m pip install -q "torch==2.14.1"   # on the lent machine: a CUDA build
python -m pip install -q -e . >/dev/null
timeout 540 python benchmarks/gpu_check.py --cases so32 e6 e7 --cpu
