"""The one decorator every kernel uses.

``cache=True`` keeps the compiled code on disk so that a second process starts fast;
``error_model="numpy"`` lets a float division by zero give inf/NaN (which the kernels detect)
instead of raising, and lets LLVM vectorise the inner loops. Drivers use ``jit_nogil`` and are
run on several Python threads over disjoint chunks of neurons: that compiles in a fraction of
the time Numba's ``parallel=True`` takes, and the thread count is an ordinary argument.
"""

from numba import njit

jit = njit(cache=True, error_model="numpy")
jit_nogil = njit(cache=True, error_model="numpy", nogil=True)
# Helpers inlined into their caller at Numba-IR level, so LLVM sees the caller's local buffers
# (which cannot alias) and vectorises the loops without runtime alias checks.
jit_inline = njit(cache=True, error_model="numpy", inline="always")
