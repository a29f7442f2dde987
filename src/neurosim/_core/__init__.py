"""The lowest layer: neurosim's version, its errors and the checks every public function runs on
its input (``validation``), and the memory and time limits of a run (``resources``). It
imports only numpy and the standard library (brian2 only inside a function, to convert a
quantity)."""
