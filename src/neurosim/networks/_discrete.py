"""A trained discrete-time LIF network (snntorch's Leaky update) as a Brian2 network."""

from __future__ import annotations

import brian2 as b2
import numpy as np

from ._groups import brian2_state

__all__ = ["DiscreteLIFNetwork", "RecurrentDiscreteLIFNetwork", "build_discrete_lif_network",
           "build_recurrent_discrete_lif_network"]


def _lif_update(reset: str, current: str, reset_delay: bool = True,
                synaptic: bool = False) -> str:
    """snntorch's Leaky update as Brian2 code: the reset from the previous tick's spike, then
    the new membrane and spike; ``current`` is the input expression. ``reset_delay=False``:
    the membrane, the spike, then the reset in the same tick (NIR's neuron). ``synaptic``:
    the current first goes into ``syn = alpha syn + current`` (snntorch's Synaptic)."""
    head = ""
    if synaptic:
        head, current = f"syn = alpha*syn + {current} + bias\n", "syn"
    else:
        current = f"{current} + bias"
    if not reset_delay:
        after = ("mem = mem - spk*threshold" if reset == "subtract" else "mem = mem*(1 - spk)")
        return f"{head}mem = beta*mem + {current}\nspk = int(mem > threshold)\n{after}"
    new = (f"mem = beta*mem + {current} - fired*threshold" if reset == "subtract"
           else f"mem = (beta*mem + {current})*(1 - fired)")
    return f"{head}fired = int(mem > threshold)\n{new}\nspk = int(mem > threshold)"


def _dense(pre, post, n_pre, n_post, w, batch, *, clock, ns, name, target_var, order):
    """All-to-all weights ``w`` (n_post, n_pre) within each of ``batch`` copies (sample s:
    pre s*n_pre + a -> post s*n_post + c, weight w[c, a]), summed into ``target_var`` of the
    post group at the tick's start, in ``order``."""
    syn = b2.Synapses(pre, post, f"w : 1 (constant)\n{target_var}_post = w*spk_pre : 1 "
                      "(summed)", clock=clock, name=name, namespace=ns)
    a, c = np.meshgrid(np.arange(n_pre), np.arange(n_post))
    syn.connect(i=(np.arange(batch)[:, None] * n_pre + a.ravel()[None, :]).ravel(),
                j=(np.arange(batch)[:, None] * n_post + c.ravel()[None, :]).ravel())
    syn.w = np.tile(np.asarray(w, dtype=np.float64).ravel(), batch)
    syn.summed_updaters[f"{target_var}_post"].when = "start"
    syn.summed_updaters[f"{target_var}_post"].order = order
    return syn


class DiscreteLIFNetwork:
    """Layers of discrete-time LIF neurons in Brian2, one time step per clock tick.

    Each layer holds ``batch x neurons`` neurons (one copy of the network per sample). Within a
    tick, in order: the layer's input current is summed from the previous layer's spikes
    (a summed variable), then ``fired = mem > thr; mem = beta mem + I + b - fired thr;
    spk = mem > thr`` (snntorch's reset from the previous step's spike; "zero" reset multiplies
    by 1 - fired instead). ``run()`` returns every layer's spike counts (batch, neurons).
    """

    def __init__(self, weights, biases, beta, threshold, reset, x, num_steps, target,
                 reset_delay=True, alpha=None):
        self.num_steps, self.target = num_steps, target
        x = np.asarray(x, dtype=np.float64)
        batch = x.shape[0]
        self.batch = batch
        clock = b2.Clock(dt=1 * b2.ms, name="tick")
        update = _lif_update(reset, "I_in", reset_delay, alpha is not None) + "\ncount += spk"
        ns = {"beta": float(beta), "threshold": float(threshold),
              "alpha": float(alpha if alpha is not None else 0.0)}
        with brian2_state(target):
            inp = b2.NeuronGroup(batch * x.shape[1], "spk : 1", clock=clock, name="input",
                                 namespace=ns)
            inp.spk = x.ravel()
            self.layers, objs = [], [inp]
            prev, n_prev = inp, x.shape[1]
            for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
                n_out = w.shape[0]
                g = b2.NeuronGroup(batch * n_out, """mem : 1
                                   syn : 1
                                   spk : 1
                                   fired : 1
                                   count : 1
                                   bias : 1 (constant)
                                   I_in : 1""", clock=clock, name=f"layer{k}", namespace=ns)
                g.bias = np.tile(np.asarray(b, dtype=np.float64), batch)
                syn = _dense(prev, g, n_prev, n_out, w, batch, clock=clock, ns=ns,
                             name=f"weights{k}", target_var="I_in", order=2 * k)
                g.run_regularly(update, when="start", order=2 * k + 1, name=f"update{k}")
                self.layers.append((g, n_out))
                objs += [g, syn]
                prev, n_prev = g, n_out
            self.network = b2.Network(*objs)

    def run(self) -> list[np.ndarray]:
        with brian2_state(self.target):
            self.network.run(self.num_steps * b2.ms, namespace={})
        return [np.asarray(g.count[:]).reshape(self.batch, n) for g, n in self.layers]


def build_discrete_lif_network(weights, biases, beta, threshold, x, num_steps, *,
                               reset="subtract", target="numpy", reset_delay=True,
                               alpha=None) -> DiscreteLIFNetwork:
    """Build the Brian2 network of a trained feed-forward discrete LIF net for inputs ``x``
    (batch, features), presented as a constant current every step (``reset_delay`` and
    ``alpha`` as in :func:`neurosim.bridge.build_snn`)."""
    return DiscreteLIFNetwork(weights, biases, beta, threshold, reset, x, num_steps, target,
                              reset_delay, alpha)


class RecurrentDiscreteLIFNetwork:
    """The row-by-row recurrent SNN (``neurosim.bridge.RecurrentSpikingNet``) in Brian2, one
    time step per clock tick, one copy of the network per sample.

    Within a tick, in order: the input neurons take the current row (a TimedArray); the hidden
    layer's current is summed from them and from its own spikes of the previous tick through
    the recurrent weights; the hidden neurons update as in :class:`DiscreteLIFNetwork`; the
    read-out's current is summed from the new hidden spikes and it integrates them
    (out = beta out + I + b). ``run()`` returns (hidden spikes (steps, batch, hidden),
    read-out membrane (steps, batch, classes)).
    """

    def __init__(self, w_in, b_in, w_rec, b_rec, w_out, b_out, beta, threshold, reset, x,
                 rows, repeats, target):
        self.target = target
        x = np.asarray(x, dtype=np.float64)
        batch, n_feat = x.shape[0], w_in.shape[1]
        n_hid, n_out = w_in.shape[0], w_out.shape[0]
        self.batch, self.n_hid, self.n_out = batch, n_hid, n_out
        self.num_steps = rows * repeats
        seq = x.reshape(batch, rows, n_feat)
        table = np.stack([seq[:, t // repeats].ravel() for t in range(self.num_steps)])
        clock = b2.Clock(dt=1 * b2.ms, name="tick")
        ns = {"beta": float(beta), "threshold": float(threshold),
              "row": b2.TimedArray(table, dt=1 * b2.ms)}
        update = _lif_update(reset, "I_in + I_rec")

        def dense(pre, post, n_pre, n_post, w, name, target_var, order):
            return _dense(pre, post, n_pre, n_post, w, batch, clock=clock, ns=ns, name=name,
                          target_var=target_var, order=order)

        with brian2_state(target):
            inp = b2.NeuronGroup(batch * n_feat, "spk : 1", clock=clock, name="rows",
                                 namespace=ns)
            inp.run_regularly("spk = row(t, i)", when="start", order=0, name="show_row")
            hid = b2.NeuronGroup(batch * n_hid, """mem : 1
                                 spk : 1
                                 fired : 1
                                 bias : 1 (constant)
                                 I_in : 1
                                 I_rec : 1""", clock=clock, name="hidden", namespace=ns)
            hid.bias = np.tile(np.asarray(b_in, dtype=np.float64)
                               + np.asarray(b_rec, dtype=np.float64), batch)
            out = b2.NeuronGroup(batch * n_out, """mem : 1
                                 bias : 1 (constant)
                                 I_in : 1""", clock=clock, name="readout", namespace=ns)
            out.bias = np.tile(np.asarray(b_out, dtype=np.float64), batch)
            s_in = dense(inp, hid, n_feat, n_hid, w_in, "w_in", "I_in", 1)
            s_rec = dense(hid, hid, n_hid, n_hid, w_rec, "w_rec", "I_rec", 1)
            hid.run_regularly(update, when="start", order=2, name="hidden_update")
            s_out = dense(hid, out, n_hid, n_out, w_out, "w_out", "I_in", 3)
            out.run_regularly("mem = beta*mem + I_in + bias", when="start", order=4,
                              name="readout_update")
            self.spikes_mon = b2.StateMonitor(hid, "spk", record=True, when="end",
                                              name="hidden_spikes")
            self.out_mon = b2.StateMonitor(out, "mem", record=True, when="end",
                                           name="readout_membrane")
            self.network = b2.Network(inp, hid, out, s_in, s_rec, s_out, self.spikes_mon,
                                      self.out_mon)

    def run(self) -> tuple[np.ndarray, np.ndarray]:
        with brian2_state(self.target):
            self.network.run(self.num_steps * b2.ms, namespace={})
        spk = np.asarray(self.spikes_mon.spk).T.reshape(self.num_steps, self.batch, self.n_hid)
        mem = np.asarray(self.out_mon.mem).T.reshape(self.num_steps, self.batch, self.n_out)
        return spk, mem


def build_recurrent_discrete_lif_network(w_in, b_in, w_rec, b_rec, w_out, b_out, beta,
                                         threshold, x, *, rows, repeats=1, reset="subtract",
                                         target="numpy") -> RecurrentDiscreteLIFNetwork:
    """Build the Brian2 network of a trained row-by-row recurrent SNN for inputs ``x``
    (batch, rows * features)."""
    return RecurrentDiscreteLIFNetwork(w_in, b_in, w_rec, b_rec, w_out, b_out, beta,
                                       threshold, reset, x, rows, repeats, target)
