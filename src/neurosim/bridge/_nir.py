"""Trained spiking networks to and from the Neuromorphic Intermediate Representation (NIR).

NIR describes a network as a graph of continuous-time nodes; a discrete-time network maps onto
it with a time step ``dt``, as snnTorch's own NIR export and import do (dt = 1e-4 s there, which
is the default here, so snnTorch reads what this writes and the other way round):

- ``nn.Linear`` with its bias -> ``nir.Affine`` (``nir.Linear`` without a bias);
- a Leaky layer (mem = beta mem + I) -> ``nir.LIF`` with tau = dt / (1 - beta),
  r = tau / dt (the input's gain, r dt / tau, is then one), v_leak = 0, its threshold, and
  v_reset = 0;
- a Synaptic layer (syn = alpha syn + I; mem = beta mem + syn) -> ``nir.CubaLIF`` with
  tau_syn = dt / (1 - alpha), tau_mem = dt / (1 - beta), r = tau_mem / dt,
  w_in = tau_syn / dt.

NIR's neurons reset to v_reset in the step they spike, so a network goes to NIR only when it
was built that way: ``build_snn(..., reset="zero", reset_delay=False)`` (snntorch's default,
a reset one step late by subtraction, has no NIR node). On the way in, a gain other than one
(r dt / tau, or w_in dt / tau_syn times r dt / tau_mem) is folded into the weights and bias
before the node, which changes nothing the network computes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nir
import numpy as np
import torch

from .._core.validation import as_float, as_int, got, param_error
from ..result import provenance, publish, suffixed_path
from ._models import SpikingNet, build_snn

DT = 1e-4  # s: snnTorch's NIR time step


def to_nir(snn, path=None, *, dt: float = DT):
    """A trained feed-forward :class:`SpikingNet` (``build_snn(..., reset="zero",
    reset_delay=False)``) as a ``nir.NIRGraph``: input -> fc0 -> lif0 -> fc1 -> lif1 -> ...
    -> output (see the module's docstring for the nodes). ``path`` (a ``.nir`` file, optional)
    writes it with ``nir.write`` (written beside it and renamed into place); the graph's
    metadata holds neurosim's provenance and the number of time steps."""
    func = "to_nir"
    if not isinstance(snn, SpikingNet):
        raise param_error(func, "snn", "a feed-forward spiking network from build_snn (NIR "
                          "export takes Leaky and Synaptic layers)", snn, TypeError)
    dt = as_float(dt, func, "dt", "s", low=0.0)
    if snn.reset != "zero" or snn.reset_delay:
        raise param_error(func, "snn", "a network built with reset='zero' and "
                          "reset_delay=False (NIR's neurons reset to v_reset in the step they "
                          "spike)", got(f"reset={snn.reset!r}, reset_delay={snn.reset_delay}"))
    decays = {"beta": snn.beta} | ({"alpha": snn.alpha} if snn.alpha is not None else {})
    for name, value in decays.items():
        if not 0.0 <= value < 1.0:
            raise param_error(func, "snn", f"a {name} below 1 (a decay of 1 is no leak: NIR's "
                              f"time constant dt / (1 - {name}) would be infinite)", value)
    nodes = {"input": nir.Input(input_type={"input": np.array([snn.sizes[0]])})}
    edges, prev = [], "input"
    for k, fc in enumerate(snn.fcs):
        n = fc.out_features
        nodes[f"fc{k}"] = nir.Affine(weight=fc.weight.detach().double().numpy(),
                                     bias=fc.bias.detach().double().numpy())
        tau_mem = np.full(n, dt / (1.0 - snn.beta))
        common = {"r": tau_mem / dt, "v_leak": np.zeros(n),
                  "v_threshold": np.full(n, float(snn.threshold)), "v_reset": np.zeros(n)}
        if snn.alpha is None:
            nodes[f"lif{k}"] = nir.LIF(tau=tau_mem, **common)
        else:
            tau_syn = np.full(n, dt / (1.0 - snn.alpha))
            nodes[f"lif{k}"] = nir.CubaLIF(tau_syn=tau_syn, tau_mem=tau_mem,
                                           w_in=tau_syn / dt, **common)
        edges += [(prev, f"fc{k}"), (f"fc{k}", f"lif{k}")]
        prev = f"lif{k}"
    nodes["output"] = nir.Output(output_type={"output": np.array([snn.sizes[-1]])})
    edges.append((prev, "output"))
    meta = {"neurosim": str(provenance("to_nir")), "num_steps": int(snn.num_steps),
            "dt": dt}
    graph = nir.NIRGraph(nodes=nodes, edges=edges, metadata=meta)
    if path is not None:
        _write(_path(path, func), graph)
    return graph


def _write(path: Path, graph) -> None:
    """``nir.write`` to a temporary file beside ``path``, renamed into place (h5py writes to a
    name, not to a write-only handle): a failure leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".nir", dir=path.parent)
    os.close(fd)
    try:
        nir.write(tmp, graph)
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _path(path, func: str) -> Path:
    return suffixed_path(path, func, (".nir",))


def _chain(graph, func: str) -> list:
    """The nodes from the input to the output, in order: a chain or an error that names
    where it is not one."""
    nexts = {}
    for a, b in graph.edges:
        if a in nexts:
            raise param_error(func, "graph", "a chain of nodes (each node feeding one other)",
                              got(f"node {a!r} feeding {nexts[a]!r} and {b!r}"))
        nexts[a] = b
    inputs = [name for name, node in graph.nodes.items() if isinstance(node, nir.Input)]
    if len(inputs) != 1:
        raise param_error(func, "graph", "one Input node", got(f"{len(inputs)} Input nodes"))
    order, name, seen = [], inputs[0], set()
    while name in nexts:
        if name in seen:
            raise param_error(func, "graph", "a chain without a loop (a recurrent graph does "
                              "not import)", got(f"a loop through {name!r}"))
        seen.add(name)
        name = nexts[name]
        order.append((name, graph.nodes[name]))
    if not order or not isinstance(order[-1][1], nir.Output):
        raise param_error(func, "graph", "a chain that ends in an Output node",
                          got(f"one that ends at {name!r}"))
    return order[:-1]


def _one(values, func: str, where: str, what: str) -> float:
    values = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if values.size == 0 or not np.allclose(values, values.flat[0], rtol=1e-9, atol=0):
        raise param_error(func, "graph", f"one {what} for all the neurons of a node (neurosim's "
                          "SpikingNet has one a network)", got(f"node {where!r} with "
                                                               f"{np.unique(values)[:4]}"))
    return float(values.flat[0])


def _neuron(name, node, func: str, dt: float) -> tuple:
    """(beta, alpha or None, threshold, the gain of the node's input)."""
    if not isinstance(node, (nir.LIF, nir.CubaLIF)):
        raise param_error(func, "graph", "LIF or CubaLIF neurons after each Affine or Linear "
                          "node", got(f"node {name!r}, a {type(node).__name__}"))
    for key in ("v_leak", "v_reset"):
        value = getattr(node, key)
        if value is not None and not np.allclose(value, 0.0):
            raise param_error(func, "graph", f"{key} = 0 (the membrane rests and resets at 0)",
                              got(f"node {name!r} with {key} {np.unique(value)[:4]}"))
    r = _one(node.r, func, name, "r")
    thr = _one(node.v_threshold, func, name, "v_threshold")
    if isinstance(node, nir.LIF):
        tau = _one(node.tau, func, name, "tau")
        return 1.0 - dt / tau, None, thr, r * dt / tau
    tau_mem = _one(node.tau_mem, func, name, "tau_mem")
    tau_syn = _one(node.tau_syn, func, name, "tau_syn")
    w_in = _one(node.w_in, func, name, "w_in")
    return 1.0 - dt / tau_mem, 1.0 - dt / tau_syn, thr, r * dt / tau_mem * w_in * dt / tau_syn


def from_nir(graph, *, num_steps: int, dt: float = DT) -> SpikingNet:
    """A ``nir.NIRGraph`` (or a ``.nir`` file) of a chain Input -> (Affine or Linear -> LIF or
    CubaLIF) ... -> Output as a :class:`SpikingNet`, run for ``num_steps`` steps of ``dt``
    (s): Leaky layers for LIF nodes, Synaptic layers for CubaLIF nodes, reset to zero in the
    step a neuron spikes (NIR's reset). :func:`to_neurosim` and :func:`to_brian2` then run it
    in numpy and in Brian2. The network has one beta (and alpha) and one threshold: nodes
    that differ, leaks or resets other than zero, and graphs that are not a chain are refused
    by name."""
    func = "from_nir"
    if isinstance(graph, (str, Path)):
        graph = nir.read(str(_path(graph, func)))
    if not isinstance(graph, nir.NIRGraph):
        raise param_error(func, "graph", "a nir.NIRGraph or a .nir file", graph, TypeError)
    steps = as_int(num_steps, func, "num_steps", low=1)
    dt = as_float(dt, func, "dt", "s", low=0.0)
    chain = _chain(graph, func)
    if len(chain) % 2:
        raise param_error(func, "graph", "pairs of a weight node and a neuron node",
                          got(f"{len(chain)} nodes between Input and Output"))
    layers, neurons = [], []
    for (wname, wnode), (nname, nnode) in zip(chain[::2], chain[1::2], strict=True):
        if not isinstance(wnode, (nir.Affine, nir.Linear)):
            raise param_error(func, "graph", "an Affine or Linear node before each neuron node",
                              got(f"node {wname!r}, a {type(wnode).__name__}"))
        weight = np.asarray(wnode.weight, dtype=np.float64)
        bias = np.asarray(getattr(wnode, "bias", None) if isinstance(wnode, nir.Affine)
                          else np.zeros(weight.shape[0]), dtype=np.float64)
        beta, alpha, thr, gain = _neuron(nname, nnode, func, dt)
        layers.append((weight * gain, bias * gain))
        neurons.append((beta, alpha, thr))
    beta, alpha, thr = neurons[0]
    for b, a, t in neurons[1:]:
        if not (np.isclose(b, beta) and np.isclose(t, thr) and (a is None) == (alpha is None)
                and (a is None or np.isclose(a, alpha))):
            raise param_error(func, "graph", "one beta, alpha and threshold for every layer "
                              "(neurosim's SpikingNet has one a network)", got(str(neurons)))
    sizes = [layers[0][0].shape[1]] + [w.shape[0] for w, _ in layers]
    for k, (w, _) in enumerate(layers[1:], start=1):
        if w.shape[1] != sizes[k]:
            raise param_error(func, "graph", "weights whose shapes chain", got(
                f"{w.shape[1]} inputs after a layer of {sizes[k]}"))
    snn = build_snn(sizes, beta=beta, threshold=thr, reset="zero", reset_delay=False,
                    alpha=alpha, num_steps=steps)
    with torch.no_grad():
        for fc, (w, b) in zip(snn.fcs, layers, strict=True):
            fc.weight.copy_(torch.as_tensor(w, dtype=fc.weight.dtype))
            fc.bias.copy_(torch.as_tensor(b, dtype=fc.bias.dtype))
    return snn
