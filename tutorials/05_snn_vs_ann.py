"""Tutorial 5: a spiking network against its ANN twin, and back into the simulators.
=================================================================================

Run it::

    python tutorials/05_snn_vs_ann.py            # full version (~1 min)
    python tutorials/05_snn_vs_ann.py --quick    # a few epochs, one seed (what the tests use)

Needs the 'snn' extra (torch, snntorch, scikit-learn).
"""


import numpy as np
import torch

from neurosim import bridge, figures, plot


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "05", argv)
    torch.set_num_threads(2)
    epochs = 3 if args.quick else 20
    seeds = (0,) if args.quick else (0, 1, 2)

    print("1. A LIF neuron in discrete time is a recurrent unit: mem[t] = beta mem[t-1] + I[t],")
    print("   a spike when mem > threshold, then the threshold is subtracted.")
    beta = bridge.beta_from_tau(10.0, 1.0)
    print(f"   tau_m = 10 ms at dt = 1 ms gives beta = exp(-dt/tau_m) = {beta:.4f}; back: "
          f"tau_m = -dt / ln(beta) = {bridge.tau_from_beta(beta, 1.0):.2f} ms")

    print("\n2. The spike is a step: its slope is zero almost everywhere, so gradients vanish.")
    snn = bridge.build_snn([2, 1], beta=0.9, num_steps=1)
    with torch.no_grad():
        snn.fcs[0].weight.fill_(0.2)
        snn.fcs[0].bias.zero_()
    spk, _ = snn(torch.tensor([[1.0, 1.0]]))
    spk.sum().backward()
    print(f"   below threshold (mem 0.4): spike {float(spk.detach().sum()):.0f}, yet the "
          f"surrogate (fast sigmoid) gradient is {float(snn.fcs[0].weight.grad.abs().sum()):.4f}"
          " - learning can proceed.")

    train, test = bridge.load_digits()
    print(f"\n3. Digits (8x8, bundled with scikit-learn): {len(train)} training, {len(test)} "
          "test images. A fifth of the training images is held out for validation: each "
          "twin's learning rate is chosen there, and the test images are scored once, at the "
          "end.")
    report = bridge.compare([64, 128, 10], (train, test), seeds=seeds, epochs=epochs,
                            progress=False)
    print(report.to_markdown())
    print(f"   Energy: with the input layer's W x computed once (the image is the same every "
          f"step) the SNN needs {report.snn_energy_nj:.1f} nJ per sample against the ANN's "
          f"{report.ann_energy_nj:.1f} nJ; recomputed every step it would need "
          f"{report.snn_energy_nj_input_every_step:.0f} nJ. The verdict rests on that "
          "accounting.")
    with plot.lecture_style():
        save(plot.comparison(report)[0].figure, "1_snn_vs_ann")

    print("\n4. Back into the simulators: the first seed's trained SNN in numpy and in Brian2.")
    snn = report.networks["snn"]
    x = test.tensors[0]
    with torch.no_grad():
        out, _, hidden = snn(x, record_hidden=True)
    torch_counts = [h.sum(0).numpy() for h in hidden]
    ours = bridge.to_neurosim(snn).run(x.numpy())
    same = np.mean([(a == b).mean() for a, b in zip(ours, torch_counts, strict=True)])
    print(f"   neurosim (float64 numpy): identical spike counts for {100 * same:.2f} % of "
          "(sample, neuron) pairs")
    n = 100 if args.quick else len(test)
    brian = bridge.to_brian2(snn, x[:n].numpy()).run()
    same_b = np.mean([(a == b[:n]).mean() for a, b in zip(brian, torch_counts, strict=True)])
    agree = (brian[-1].argmax(1) == out.sum(0).numpy()[:n].argmax(1)).mean()
    print(f"   Brian2: identical spike counts for {100 * same_b:.2f} % of pairs, predictions "
          f"agree for {100 * agree:.1f} % of {n} samples")
    with plot.lecture_style():
        spikes = bridge.to_neurosim(snn).spikes(x[:1].numpy())[0][:, 0, :]
        save(plot.hidden_raster(spikes, image=x[0].numpy(),
                                label="Hidden layer for one digit").figure, "2_hidden_raster")
        save(figures.fig_snn_vs_ann(), "3_saved_comparison")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
