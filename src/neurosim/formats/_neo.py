"""A result as a Neo ``Block`` (neo and quantities imported on first use)."""

from __future__ import annotations

import numpy as np

from ._common import check_result, need, populations, provenance_text, title


def _unit(pq, unit: str):
    """A neurosim unit string as a quantities unit (``uA/cm^2`` -> uA/cm**2, ``1``)."""
    if unit in ("1", ""):
        return pq.dimensionless
    return pq.Quantity(1.0, unit.replace("^", "**").replace("Ohm", "ohm")).units


def _signal(neo, pq, name, values, t, unit, labels):
    """An AnalogSignal on a regular grid of times, else an IrregularlySampledSignal."""
    values = np.asarray(values, dtype=np.float64)
    annotations = {"neuron": np.asarray([str(x) for x in labels])}
    steps = np.diff(t)
    if t.size > 1 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12):
        return neo.AnalogSignal(values, units=_unit(pq, unit), t_start=float(t[0]) * pq.ms,
                                sampling_period=float(steps[0]) * pq.ms, name=name,
                                array_annotations=annotations)
    return neo.IrregularlySampledSignal(np.asarray(t, dtype=np.float64) * pq.ms, values,
                                        units=_unit(pq, unit), name=name,
                                        array_annotations=annotations)


def to_neo(result):
    """``result`` as a ``neo.Block`` with one ``Segment`` (the run) and one ``Group`` a
    population (a simulation result is one population, named after its model).

    Spikes: one ``neo.SpikeTrain`` a neuron (ms, from 0 to the run's duration), annotated with
    its population and its neuron's index (or a cable run's location). Traces: V as one
    ``AnalogSignal`` a population (mV; one channel a recorded neuron, the neuron in the
    ``neuron`` array annotation), and a simulation's other recorded variables and its input,
    each in its unit as ``quantities`` writes it (``uA/cm**2``, ``dimensionless``); a run
    recorded at irregular times (an adaptive solver's) gives ``IrregularlySampledSignal``s.
    The block is annotated with the result's provenance (JSON), so Elephant's analyses run on
    the trains directly, e.g. ``elephant.statistics.mean_firing_rate(block.segments[0]
    .spiketrains[0])`` is the neuron's rate in 1/ms."""
    func = "to_neo"
    check_result(result, func)
    neo = need("neo", func)
    pq = need("quantities", func)
    block = neo.Block(name=title(result), provenance=provenance_text(result))
    seg = neo.Segment(name="run")
    block.segments.append(seg)
    duration = float(result.duration) * pq.ms
    for name, trains, neurons, v, labels, traces, units, t in populations(result):
        group = neo.Group(name=name)
        block.groups.append(group)
        if trains is not None:
            for k, times in enumerate(trains):
                st = neo.SpikeTrain(np.asarray(times, dtype=np.float64) * pq.ms,
                                    t_start=0.0 * pq.ms, t_stop=duration,
                                    name=f"{name}[{neurons[k]}]", population=name,
                                    neuron=neurons[k])
                seg.spiketrains.append(st)
                group.add(st)
        recorded = ([("v", v)] if v is not None else []) + list(traces.items())
        for var, values in recorded:
            if values is None or np.size(values) == 0:
                continue
            sig = _signal(neo, pq, f"{name}.{var}", values, np.asarray(t), units.get(var, "1"),
                          labels)
            seg.analogsignals.append(sig) if isinstance(sig, neo.AnalogSignal) else \
                seg.irregularlysampledsignals.append(sig)
            group.add(sig)
    block.check_relationships()
    return block
