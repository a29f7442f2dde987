"""Tutorial 10: recurrent spiking networks against their ANN twins (RNN, LSTM, GRU).
=================================================================================

Run it::

    python tutorials/10_recurrent_snn_vs_lstm.py            # full version (~2 min)
    python tutorials/10_recurrent_snn_vs_lstm.py --quick    # a few epochs, one seed (the tests)

The lecture: in a feedback network (an RNN) there are loops, so the network carries a state
from one step to the next; the LSTM gates that state. A spiking neuron is a recurrent unit
already (its membrane remembers), and with recurrent synapses a spiking network can hold a
sequence too. Here the digits are read one row of 8 pixels at a time, so the class is only
known after the last row: a task that needs memory. Needs the 'snn' extra.
"""

import numpy as np
import torch
from torch.utils.data import TensorDataset

from neurosim import bridge, figures, plot
from neurosim.bridge._train import evaluate


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "10", argv)
    torch.set_num_threads(2)
    train, test = bridge.load_digits()
    sizes = [64, 128, 10]

    print("1. The task needs memory: an LSTM that sees only the last row of each digit")
    last = [torch.cat([torch.zeros(len(d), 56), d.tensors[0][:, 56:]], 1) for d in (train, test)]
    lstm = bridge.build_rnn(sizes, kind="lstm", seed=0)
    bridge.train(lstm, (last[0], train.tensors[1]), epochs=10, lr=5e-3, progress=False)
    blind = evaluate(lstm, TensorDataset(last[1], test.tensors[1]))
    print(f"   scores {blind:.1%} on the test digits; reading every row, it does far better:")

    print("\n2. Four twins of one hidden size (128), each reading the 8 rows in turn:")
    print("   recurrent SNN: RLeaky neurons (beta 0.8) with all-to-all recurrent synapses, a")
    print("   leaky read-out; RNN (tanh), LSTM and GRU, read out from the last hidden state.")
    epochs = {"snn": 6, "rnn": 3, "lstm": 3, "gru": 3} if args.quick else None
    seeds = (0,) if args.quick else (0, 1, 2)
    rep = bridge.compare_recurrent(sizes, (train, test), seeds=seeds, epochs=epochs,
                                   lr=5e-3 if args.quick else None, progress=False)
    print(rep.to_markdown())

    print("\n3. The trained recurrent SNN back in numpy and Brian2, spike for spike:")
    snn = rep.networks["snn"]
    x = test.tensors[0][:100]
    ours_spk, ours_out = bridge.to_neurosim(snn).simulate(x.numpy())
    b2_spk, b2_out = bridge.to_brian2(snn, x.numpy()).run()
    with torch.no_grad():
        spk, out = snn(x)
    same_torch = float((ours_spk == spk.numpy()).mean())
    print(f"   numpy vs snntorch: {same_torch:.4%} of hidden spikes the same (float64 against "
          "float32), the same predictions: "
          f"{bool((ours_out[-1].argmax(1) == out[-1].argmax(1).numpy()).all())}")
    print(f"   Brian2 vs numpy: hidden spikes identical: {bool(np.array_equal(b2_spk, ours_spk))}"
          f", read-out within {np.abs(b2_out - ours_out).max():.1e}")

    with plot.lecture_style():
        ax = plot.hidden_raster(ours_spk[:, 0], image=x[0].numpy(),
                                label=f"A '{int(test.tensors[1][0])}' read row by row: "
                                "the recurrent spikes")
        ax.set_xlabel("Time step (= image row)")
        ax.set_xlim(-0.5, snn.num_steps - 0.5)
        ax.set_xticks(range(snn.num_steps))
    save(ax.figure, "hidden_raster")
    with plot.lecture_style():
        axes = plot.recurrent_comparison(rep)
        axes[0].figure.suptitle("This run" + (" (--quick: a few epochs, one seed)"
                                              if args.quick else ""), fontsize=16)
    save(axes[0].figure, "this_run")
    if args.quick:
        print("\n(--quick: the shipped report's figure beside this short run's)")
    save(figures.fig_recurrent_snn_vs_lstm(), "recurrent_snn_vs_lstm")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
