"""A morphology as a Brian2 ``SpatialNeuron``: the same compartments, channels and clamps as
neurosim's cable engine, for cross-checks and benchmarks.

The compartments are the ones :meth:`neurosim.morphology.Morphology.compile` lays out (one
Brian2 ``Cylinder`` per section piece, with the same number of compartments); the channel
kinetics are the registry's Brian2 equations of the section's model, the membrane current
written per unit area for the cable. Brian2 joins a child to the end of its parent, so a
section may hang from its parent's end (``parent_x = 1``); one unbranched section may also hang
from the root's start (``parent_x = 0``, a ball-and-stick's dendrite): it becomes Brian2's root,
its compartments reversed. Brian2 has one axial resistivity per neuron.
"""

from __future__ import annotations

import numpy as np

from .. import registry
from .._core.validation import param_error
from .._single.hh import _steady_gates
from ..cable import CableResult, CurrentClamp
from ..morphology import Location, Morphology
from ..result import SpikeTrains, provenance
from ..stimulus import Stimulus, constant

__all__ = ["SpatialNeuronSimulation", "build_spatial_neuron"]


class SpatialNeuronSimulation:
    """A built Brian2 ``SpatialNeuron`` (``.network``, ``.neuron``) and the compartment map;
    ``run_time`` is the last run's time as Brian2 clocks it (s), code generation excluded."""

    def __init__(self, morphology, tree, b2, net, neuron, order, dt, threshold):
        self.morphology, self.tree, self.b2 = morphology, tree, b2
        self.network, self.neuron, self.order = net, neuron, order  # order: tree -> brian2
        self.dt, self.threshold = dt, threshold
        self.run_time = float("nan")

    def run(self, duration: float, *, stimuli=(), record=("soma",)) -> CableResult:
        """Run ``duration`` ms from rest with current clamps (only constant or step-like
        stimuli sampled on the grid); returns a :class:`~neurosim.cable.CableResult`."""
        b2 = self.b2
        f = "SpatialNeuronSimulation.run"
        nsteps = round(duration / self.dt)
        items = [record] if isinstance(record, str) else list(record)
        labels = [str(Location.parse(r, f, "record")) for r in items]
        nodes = np.array([self.tree.node(r, f, "record") for r in items])
        cols = np.zeros((nsteps, max(len(stimuli), 1)))
        where = np.full(self.neuron.N, -1)
        for k, c in enumerate(stimuli):
            if not isinstance(c, CurrentClamp):
                raise param_error(f, f"stimuli[{k}]", "a cable.CurrentClamp", c, TypeError)
            stim = c.stimulus if isinstance(c.stimulus, Stimulus) else constant(c.stimulus)
            cols[:, k] = stim.sample(self.dt, nsteps)
            where[self.order[self.tree.node(c.location, f, f"stimuli[{k}].location")]] = k
        table = b2.TimedArray(cols * b2.nA, dt=self.dt * b2.ms)
        self.network.restore("rest")
        self.neuron.clamp = where
        self.network.run(duration * b2.ms, namespace={"I_clamp": table})
        # Brian2's own clock of the run, code generation and compilation excluded
        self.run_time = float(b2.get_device()._last_run_time)
        mon = self.network["v_monitor"]
        v = np.asarray(mon.v / b2.mV)[self.order[nodes]].T  # (steps, locations), from t = 0
        ids, times = [], []
        for r in range(nodes.size):
            up = np.flatnonzero((v[:-1, r] < self.threshold) & (v[1:, r] >= self.threshold))
            frac = (self.threshold - v[up, r]) / (v[up + 1, r] - v[up, r])
            ids.extend([r] * up.size)
            times.extend(((up + frac) * self.dt).tolist())
        return CableResult(
            t=np.arange(v.shape[0]) * self.dt, v=v,
            spike_times=SpikeTrains.from_pairs(ids, times, nodes.size), stimulus=None,
            model="cable", method="brian2 SpatialNeuron", dt=self.dt, duration=duration,
            params=None, spike_threshold=self.threshold, units={"v": "mV"},
            provenance=provenance("build_spatial_neuron(...).run"), locations=labels,
            distance=self.tree.distance[nodes].copy(), morphology=self.morphology)


def build_spatial_neuron(morphology: Morphology, *, dt: float = 0.025, temperature=None,
                         v0: float = -65.0, spike_threshold: float = -20.0,
                         target: str = "numpy") -> SpatialNeuronSimulation:
    """Build a Brian2 ``SpatialNeuron`` from a morphology (see the module docstring).

    Raises ParameterError
    for a morphology Brian2 cannot join the same way, or sections of different r_a.
    """
    import brian2 as b2

    f = "build_spatial_neuron"
    if not isinstance(morphology, Morphology):
        raise param_error(f, "morphology", "a neurosim.morphology.Morphology", morphology,
                          TypeError)
    tree = morphology.compile(temperature)
    secs = morphology.sections
    if len({s.r_a for s in secs}) > 1:
        raise param_error(f, "morphology", "sections of one axial resistivity r_a (Brian2 has "
                          "one per neuron)", sorted({s.r_a for s in secs}))
    root = secs[0]
    flipped = [s for s in secs[1:] if s.parent == root.name and s.parent_x == 0.0]
    for s in secs[1:]:
        ok = s.parent_x == 1.0 or (s in flipped and len(flipped) == 1 and len(
            tree.pieces[s.name]) == 1 and not any(c.parent == s.name for c in secs))
        if not ok:
            raise param_error(f, f"sections[{morphology.names.index(s.name)}].parent_x",
                              "1 (Brian2 joins a child to its parent's end; one unbranched "
                              "section may hang from the root's start)", s.parent_x)

    def cylinder(piece):
        lo, hi = tree.seg_range[piece]
        sec = secs[tree.section[lo]]
        start, stop = next((a, b) for p, a, b in tree.pieces[sec.name] if p == piece)
        return b2.Cylinder(diameter=sec.diameter * b2.um, length=sec.length * (stop - start)
                           * b2.um, n=hi - lo), lo, hi

    made = {}  # piece name -> (brian2 section, tree indices in brian2's order)

    def attach(parent_sec, piece_names):
        for piece in piece_names:
            cyl, lo, hi = cylinder(piece)
            parent_sec[f"p{len(made)}"] = cyl
            made[piece] = (cyl, np.arange(lo, hi))
            parent_sec = cyl
        return parent_sec

    if flipped:
        dend = flipped[0]
        top, lo, hi = cylinder(tree.pieces[dend.name][0][0])
        made[dend.name] = (top, np.arange(lo, hi)[::-1])
        end = attach(top, [p for p, _, _ in tree.pieces[root.name]])
    else:
        first = tree.pieces[root.name][0][0]
        top, lo, hi = cylinder(first)
        made[first] = (top, np.arange(lo, hi))
        end = attach(top, [p for p, _, _ in tree.pieces[root.name][1:]])
    ends = {root.name: end}
    for s in secs[1:]:
        if s in flipped:
            continue
        ends[s.name] = attach(ends[s.parent], [p for p, _, _ in tree.pieces[s.name]])

    # the registry's gating equations for the HH-type sections (every line but dv/dt)
    spec = registry.get("hh")
    gating = "\n".join(line for line in spec.brian2.equations.strip().splitlines()
                       if not line.startswith("dv/dt"))
    eqs = b2.Equations("""
Im = g_na*m**3*h*(e_na - v) + g_k*n**4*(e_k - v) + g_l*(e_l - v) : amp/meter**2
I = I_clamp(t, clamp*int(clamp >= 0))*int(clamp >= 0) : amp (point current)
clamp : integer (constant)
g_na : siemens/meter**2 (constant)
g_k : siemens/meter**2 (constant)
g_l : siemens/meter**2 (constant)
e_na : volt (constant)
e_k : volt (constant)
e_l : volt (constant)
v_offset : volt (constant)
phi : 1 (constant)
""" + gating)
    b2.prefs.codegen.target = target
    neuron = b2.SpatialNeuron(morphology=top, model=eqs, Ri=root.r_a * b2.ohm * b2.cm,
                              Cm=1 * b2.uF / b2.cm**2, method="exponential_euler",
                              dt=dt * b2.ms, name="cell")
    order = np.empty(tree.n, dtype=np.int64)
    order[:] = -1
    for _piece, (cyl, idx) in made.items():
        order[idx] = np.asarray(cyl.indices[:])
    comp = tree.compartments
    b2i = order[comp]
    p = tree.params
    ms_cm2 = b2.msiemens / b2.cm**2
    cm = np.empty(neuron.N)
    cm[b2i] = tree.c_m[comp]
    neuron.Cm = cm * b2.uF / b2.cm**2
    for name, row, unit in (("g_na", 0, ms_cm2), ("g_k", 1, ms_cm2), ("g_l", 2, ms_cm2),
                            ("e_na", 3, b2.mV), ("e_k", 4, b2.mV), ("e_l", 5, b2.mV),
                            ("v_offset", 6, b2.mV)):
        values = np.empty(neuron.N)
        values[b2i] = p[row, comp]
        setattr(neuron, name, values * unit)
    phi = np.empty(neuron.N)
    phi[b2i] = tree.phi[comp]
    neuron.phi = phi
    neuron.clamp = -1
    neuron.v = v0 * b2.mV

    # every gate at its steady state at v0, as simulate_cable starts
    for name, gate in zip("mhn", _steady_gates(np.full(comp.size, v0), p[6, comp]),
                          strict=True):
        values = np.empty(neuron.N)
        values[b2i] = gate
        setattr(neuron, name, values)
    mon = b2.StateMonitor(neuron, "v", record=True, name="v_monitor")
    net = b2.Network(neuron, mon)
    net.store("rest")
    return SpatialNeuronSimulation(morphology, tree, b2, net, neuron, order, dt,
                                   spike_threshold)
