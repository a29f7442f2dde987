"""The cable kernel: a tree of compartments, implicit in V, solved by the Hines algorithm.

Units: ms, mV, cm^2, uF/cm^2, mS/cm^2 for densities and mS for the axial conductances, so that a
compartment's currents are in uA. The tree's nodes are numbered parents first (``parent[i] <
i``, the root -1), which makes the matrix of the implicit step a tree that Gaussian elimination
solves in two sweeps and O(n) operations without fill-in (Hines 1984).

One step, in NEURON's order (its fixed-step ``fadvance``):

1. every compartment's ionic current I(V) and conductance G = dI/dV at V(t) with the gates at
   t; synapses add theirs (conductance synapses implicitly, through G);
2. solve (c cA / dt + G - axial coupling) dV = -I + I_inj + axial currents at V(t), with c = 1
   (backward Euler) or c = 2 (Crank-Nicolson), then V += c dV;
3. the gates advance by exponential Euler (NEURON's cnexp) at the new V.

Membrane kinds: 0 no channels, 1 a leak, 2 Hodgkin-Huxley Na+, K+ and leak (the rate functions
of ``_hh.rates``). Parameter rows: g_na, g_k, g_l, e_na, e_k, e_l, v_offset.
"""

import numpy as np

from ._fastexp import fexp
from ._hh import rates
from ._jit import jit_nogil
from ._limits import CONDUCTANCE_V_BOUND

V_BOUND = CONDUCTANCE_V_BOUND  # |V| beyond this (mV) means the integration blew up


@jit_nogil
def run_cable(parent, g_ax, area, cm, kind, prm, phi, v, m, h, n, dt, nsteps, cfac,
              clamp_node, clamp_i, syn_node, syn_cond, syn_w, syn_decay, syn_e, ev_syn,
              ev_step, rec_node, rec_every, rec_v, threshold, sp_times, sp_count):
    """Advance the tree ``nsteps`` steps of ``dt`` ms; returns -1, or the step it blew up in.

    clamp_i is (nsteps, n_clamps) nA into clamp_node; synapse j (at syn_node[j]) is, by
    syn_cond[j], a current (0; nA) or a conductance (1; nS, reversing at syn_e[j]) of weight
    syn_w[j] times a trace that jumps by 1 at each of its events (ev_syn, ev_step sorted by
    step) and decays by syn_decay[j] a step, or a delta synapse (2) whose events make V jump by
    syn_w[j] mV at the step's start. rec_v gets V at rec_node every rec_every steps, from
    step 0; upward crossings of ``threshold`` at rec_node are timed by linear interpolation
    into sp_times (rec, max spikes) with sp_count the number found (it may exceed the
    buffer).
    """
    nn = parent.size
    d = np.empty(nn)
    rhs = np.empty(nn)
    s = np.zeros(syn_node.size)
    c_dt = cfac / dt
    n_rec = rec_node.size
    for r in range(n_rec):
        rec_v[0, r] = v[rec_node[r]]
    ev = 0
    n_ev = ev_step.size
    for step in range(nsteps):
        t0 = step * dt
        for i in range(nn):
            vi = v[i]
            a = area[i]
            k = kind[i]
            if k == 2:
                g_na = prm[0, i] * m[i] * m[i] * m[i] * h[i]
                g_k = prm[1, i] * n[i] * n[i] * n[i] * n[i]
                g_l = prm[2, i]
                cur = g_na * (vi - prm[3, i]) + g_k * (vi - prm[4, i]) + g_l * (vi - prm[5, i])
                g = g_na + g_k + g_l
            elif k == 1:
                g = prm[2, i]
                cur = g * (vi - prm[5, i])
            else:
                g = 0.0
                cur = 0.0
            d[i] = c_dt * cm[i] * a + g * a
            rhs[i] = -cur * a
        for c in range(clamp_node.size):
            rhs[clamp_node[c]] += clamp_i[step, c] * 1e-3  # nA -> uA
        while ev < n_ev and ev_step[ev] <= step:
            j = ev_syn[ev]
            if syn_cond[j] == 2:
                v[syn_node[j]] += syn_w[j]  # a delta synapse: V jumps (mV)
            else:
                s[j] += 1.0
            ev += 1
        for j in range(syn_node.size):
            i = syn_node[j]
            w = syn_w[j] * s[j]
            if syn_cond[j] == 1:
                gs = w * 1e-6  # nS -> mS
                d[i] += gs
                rhs[i] -= gs * (v[i] - syn_e[j])
            elif syn_cond[j] == 0:
                rhs[i] += w * 1e-3
            s[j] *= syn_decay[j]
        for i in range(1, nn):
            p = parent[i]
            g = g_ax[i]
            cur = g * (v[p] - v[i])
            rhs[i] += cur
            rhs[p] -= cur
            d[i] += g
            d[p] += g
        # Hines: eliminate leaves into parents, then substitute from the root outwards
        for i in range(nn - 1, 0, -1):
            p = parent[i]
            f = g_ax[i] / d[i]
            d[p] -= f * g_ax[i]
            rhs[p] += f * rhs[i]
        rhs[0] /= d[0]
        for i in range(1, nn):
            rhs[i] = (rhs[i] + g_ax[i] * rhs[parent[i]]) / d[i]
        bad = False
        for r in range(n_rec):
            i = rec_node[r]
            v_old = v[i]
            v_new = v_old + cfac * rhs[i]
            if v_old < threshold <= v_new:
                q = sp_count[r]
                if q < sp_times.shape[1]:
                    sp_times[r, q] = t0 + dt * (threshold - v_old) / (v_new - v_old)
                sp_count[r] = q + 1
        for i in range(nn):
            vi = v[i] + cfac * rhs[i]
            v[i] = vi
            if not abs(vi) < V_BOUND:
                bad = True
            if kind[i] == 2:
                am, bm, ah, bh, an, bn = rates(vi, prm[6, i], phi[i])
                sm = am + bm
                sh = ah + bh
                sn = an + bn
                m[i] = am / sm + (m[i] - am / sm) * fexp(-dt * sm)
                h[i] = ah / sh + (h[i] - ah / sh) * fexp(-dt * sh)
                n[i] = an / sn + (n[i] - an / sn) * fexp(-dt * sn)
        if bad:
            return step
        if (step + 1) % rec_every == 0:
            row = (step + 1) // rec_every
            for r in range(n_rec):
                rec_v[row, r] = v[rec_node[r]]
    return -1
