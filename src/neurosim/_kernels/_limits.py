"""The bounds past which an integration has blown up, in one place: the point, HH-type and
cable kernels compile them in, and the model registry hands them to the network engine (so
``simulate`` and ``Network.run`` refuse the same states). Plain floats: importing this module
loads no Numba.

A state is blown up when it is NaN or its magnitude reaches the bound.
"""

POINT_V_BOUND = 1.0e4  # mV: LIF, Izhikevich (and its u, in mV/ms), AdEx below v_peak
ADEX_W_BOUND = 1.0e9  # pA: AdEx's adaptation current w
CONDUCTANCE_V_BOUND = 1000.0  # mV: Hodgkin-Huxley, the cortical neuron, the cable
