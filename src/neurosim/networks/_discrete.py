"""A trained discrete-time LIF network (snntorch's Leaky update) as a Brian2 network."""

from __future__ import annotations

import brian2 as b2
import numpy as np

from ._groups import brian2_state

__all__ = ["DiscreteLIFNetwork", "build_discrete_lif_network"]


class DiscreteLIFNetwork:
    """Layers of discrete-time LIF neurons in Brian2, one time step per clock tick.

    Each layer holds ``batch x neurons`` neurons (one copy of the network per sample). Within a
    tick, in order: the layer's input current is summed from the previous layer's spikes
    (a summed variable), then ``fired = mem > thr; mem = beta mem + I + b - fired thr;
    spk = mem > thr`` (snntorch's reset from the previous step's spike; "zero" reset multiplies
    by 1 - fired instead). ``run()`` returns every layer's spike counts (batch, neurons).
    """

    def __init__(self, weights, biases, beta, threshold, reset, x, num_steps, target):
        self.num_steps, self.target = num_steps, target
        x = np.asarray(x, dtype=np.float64)
        batch = x.shape[0]
        self.batch = batch
        clock = b2.Clock(dt=1 * b2.ms, name="tick")
        update = ("fired = int(mem > threshold)\n"
                  + ("mem = beta*mem + I_in + bias - fired*threshold\n" if reset == "subtract"
                     else "mem = (beta*mem + I_in + bias)*(1 - fired)\n")
                  + "spk = int(mem > threshold)\ncount += spk")
        ns = {"beta": float(beta), "threshold": float(threshold)}
        with brian2_state(target):
            inp = b2.NeuronGroup(batch * x.shape[1], "spk : 1", clock=clock, name="input",
                                 namespace=ns)
            inp.spk = x.ravel()
            self.layers, objs = [], [inp]
            prev, n_prev = inp, x.shape[1]
            for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
                n_out = w.shape[0]
                g = b2.NeuronGroup(batch * n_out, """mem : 1
                                   spk : 1
                                   fired : 1
                                   count : 1
                                   bias : 1 (constant)
                                   I_in : 1""", clock=clock, name=f"layer{k}", namespace=ns)
                g.bias = np.tile(np.asarray(b, dtype=np.float64), batch)
                syn = b2.Synapses(prev, g, "w : 1 (constant)\nI_in_post = w*spk_pre : 1 (summed)",
                                  clock=clock, name=f"weights{k}", namespace=ns)
                # sample s: pre s*n_prev + a -> post s*n_out + c, weight w[c, a]
                a, c = np.meshgrid(np.arange(n_prev), np.arange(n_out))
                pre_i = (np.arange(batch)[:, None] * n_prev + a.ravel()[None, :]).ravel()
                post_j = (np.arange(batch)[:, None] * n_out + c.ravel()[None, :]).ravel()
                syn.connect(i=pre_i, j=post_j)
                syn.w = np.tile(np.asarray(w, dtype=np.float64).ravel(), batch)
                syn.summed_updaters["I_in_post"].when = "start"
                syn.summed_updaters["I_in_post"].order = 2 * k
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
                               reset="subtract", target="numpy") -> DiscreteLIFNetwork:
    """Build the Brian2 network of a trained feed-forward discrete LIF net for inputs ``x``
    (batch, features), presented as a constant current every step."""
    return DiscreteLIFNetwork(weights, biases, beta, threshold, reset, x, num_steps, target)
