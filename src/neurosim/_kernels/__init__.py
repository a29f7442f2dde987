"""Numba kernels: plain arrays and floats in, arrays out.

Everything under ``neurosim._kernels`` imports only numpy, numba and math. Units are fixed:
ms, mV, uA/cm^2, mS/cm^2 and uF/cm^2. Public wrappers in ``neurosim`` check every input; the
kernels trust what they are given.
"""
