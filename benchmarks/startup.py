"""Start-up costs: `import neurosim`, the first call in a new environment (JIT compile) and the
first call in a later process (loading Numba's on-disk cache), for each HH method.

    python benchmarks/startup.py

Each measurement runs in a fresh Python process (best of several); a compile measurement
points NUMBA_CACHE_DIR at an empty folder, so it compiles as a new environment would.
Targets (issue 10): import <= 0.3 s; import + first `simulate_hh` with an empty cache <= 3 s
for either method; a later process <= 0.5 s including the import.
"""

import os
import subprocess
import sys
import tempfile

METHODS = ("rk4", "exp_euler")
REPEATS = 5  # best of: this machine's start-up times vary by +-10 % from run to run


def timed(code: str, env: dict) -> float:
    prog = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, env=env,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        imp = min(timed("import neurosim", env) for _ in range(REPEATS))
    print(f"import neurosim                                   {imp:6.2f} s   (target <= 0.3 s)")
    for method in METHODS:
        call = f"import neurosim; neurosim.simulate_hh(10.0, 1.0, method={method!r})"
        first = later = float("inf")
        for _ in range(2):  # two empty caches: the first call compiles in each
            with tempfile.TemporaryDirectory() as cache:
                env = {**os.environ, "NUMBA_CACHE_DIR": cache}
                first = min(first, timed(call, env))
                later = min(later, *(timed(call, env) for _ in range(REPEATS)))
        print(f"import + first simulate_hh {method:9s}, empty cache {first:6.2f} s   "
              "(target <= 3 s)")
        print(f"import + first simulate_hh {method:9s}, later run   {later:6.2f} s   "
              "(target <= 0.5 s)")


if __name__ == "__main__":
    main()
