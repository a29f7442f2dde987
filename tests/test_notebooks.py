"""The tutorials as notebooks: jupytext pairs each script with a notebook that holds the same
code (the script stays the one source), and the first two, run in a Jupyter kernel as nbmake
runs them, show their figures and the sliders for the lecture room."""

import json
from pathlib import Path

import jupytext
import nbclient
import pytest

import neurosim

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / "tutorials").glob("[0-9][0-9]_*.py"))


@pytest.mark.parametrize("script", TUTORIALS, ids=lambda p: p.stem)
def test_every_tutorial_pairs_with_a_notebook_of_the_same_code(script):
    text = script.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="py:light")
    assert nb.cells and all(c.cell_type in ("code", "markdown") for c in nb.cells)
    # the pairing config of tutorials/ (ipynb and py:light) ...
    config = jupytext.config.find_jupytext_configuration_file(str(script.parent))
    assert Path(config).name == "jupytext.toml"
    assert "ipynb,py:light" in Path(config).read_text(encoding="utf-8")
    # ... and the round trip script -> notebook -> script gives back the script itself
    back = jupytext.writes(jupytext.reads(jupytext.writes(nb, fmt="ipynb"), fmt="ipynb"),
                           fmt="py:light")
    assert back.strip() == text.strip()


@pytest.mark.tutorial
@pytest.mark.parametrize(("number", "explorer", "controls"), [
    ("01", "explore_action_potential", 2), ("02", "explore_lif", 3)])
def test_the_first_two_notebooks_run_with_their_sliders(tmp_path, monkeypatch, number,
                                                        explorer, controls):
    script = next(p for p in TUTORIALS if p.name.startswith(number))
    nb = jupytext.reads(script.read_text(encoding="utf-8"), fmt="py:light")
    monkeypatch.setenv("NEUROSIM_QUICK", "1")  # (the kernel inherits it)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell, if any cell fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Done: figures in tutorial-output" in text  # the tutorial ran (in quick mode)
    assert sorted((tmp_path / "tutorial-output" / number).glob("*.png"))
    last = [o for o in nb.cells[-1].outputs if o.output_type in ("display_data",
                                                                 "execute_result")]
    # the static figure (what a notebook shows without a kernel) and the sliders' widget
    assert any("image/png" in o.data for o in last)
    widget = next(o.data["application/vnd.jupyter.widget-view+json"] for o in last
                  if "application/vnd.jupyter.widget-view+json" in o.data)
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    sliders = [m for m in state.values() if m.get("model_name") == "FloatSliderModel"]
    assert len(sliders) == controls, json.dumps(widget)


def test_outside_a_kernel_the_explorers_give_the_static_figure(close_figures):
    from neurosim import figures

    assert not figures.in_notebook()
    quiet = figures.explore_action_potential(amplitude=3.0, width=1.0)  # below threshold
    fires = figures.explore_action_potential(amplitude=15.0, width=1.0)
    assert "no spike" in quiet.axes[0].get_title()
    assert "it fires" in fires.axes[0].get_title()
    slow = figures.explore_lif(tau_m=40.0)
    fast = figures.explore_lif(tau_m=5.0)
    spikes = [int(f.axes[0].get_title().split(": ")[1].split()[0]) for f in (slow, fast)]
    assert spikes[0] < spikes[1]  # a shorter time constant charges faster: more spikes
    with pytest.raises(neurosim.InvalidInput, match="'v_th' parameter of explore_lif"):
        figures.explore_lif(v_th=-80.0)
