"""`import bptt_helpers` needs numpy alone: no matplotlib or ipywidgets until a plot/widget is asked for.

Checked in a fresh subprocess, because this pytest process may already have imported them.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("matplotlib", "ipywidgets", "IPython", "torch")

SCRIPT = """
import json, sys
import bptt_helpers as bh
params = bh.init_params(5, 3, 4)
cache = bh.forward(params, [1, 1, 3], [1, 3, 0], None)
bh.backward(params, cache)
bh.check_gradients(params, [1, 1, 3], [1, 3, 0], None, wrt=("c",))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_import_and_use_do_not_load_plotting_or_widgets():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True, timeout=60)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "bptt_helpers" in loaded and "numpy" in loaded
    heavy = sorted(loaded.intersection(HEAVY))
    assert not heavy, f"import bptt_helpers loaded {heavy}"


def test_the_subprocess_check_can_fail():
    """The same probe sees matplotlib when it is imported: the check above is not vacuous."""
    script = SCRIPT.replace("import bptt_helpers as bh", "import bptt_helpers as bh\nimport matplotlib")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    assert "matplotlib" in json.loads(out.stdout.strip().splitlines()[-1])
