"""Start-up costs: `import neurosim`, the first call in a new environment (JIT compile) and the
first call in a later process (loading Numba's on-disk cache).

    python benchmarks/startup.py

Each measurement runs in a fresh Python process; the compile measurement points NUMBA_CACHE_DIR
at an empty folder, so it compiles as a new environment would.
"""

import os
import subprocess
import sys
import tempfile

CALL = "import neurosim; neurosim.simulate_hh(10.0, 1.0)"
OTHER = "neurosim.simulate_hh(10.0, 1.0, method='exp_euler')"


def timed(code: str, env: dict) -> float:
    prog = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, env=env,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        imp = min(timed("import neurosim", env) for _ in range(3))
        first = timed(CALL, env)
        other = timed(f"import neurosim; t1 = time.perf_counter(); {OTHER}; t0 = t1", env)
        later = min(timed(CALL, env) for _ in range(3))
    print(f"import neurosim                              {imp:6.2f} s   (target <= 0.5 s)")
    print(f"import + first simulate_hh, empty cache      {first:6.2f} s   (target <= 3 s)")
    print(f"  the other method's first call (compile)    {other:6.2f} s")
    print(f"import + first simulate_hh, later process    {later:6.2f} s   (cache load target "
          "<= 0.5 s after the import)")


if __name__ == "__main__":
    main()
