"""The single-neuron drivers, below the model registry that points at them: the shared
preparation, spike collection and threads of a run (``runner``), and the drivers of the point
models (``point``), the Hodgkin-Huxley model (``hh``) and the cortical neuron (``cortical``)."""
