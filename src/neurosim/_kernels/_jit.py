"""The one decorator every kernel uses.

``cache=True`` keeps the compiled code on disk so that a second process starts fast;
``error_model="numpy"`` lets a float division by zero give inf/NaN (which the kernels detect)
instead of raising, and lets LLVM vectorise the inner loops.
"""

from numba import njit

jit = njit(cache=True, error_model="numpy")
jit_parallel = njit(cache=True, error_model="numpy", parallel=True)
