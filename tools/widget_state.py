"""The widget state a notebook stores, without what every widget manager knows already.

A kernel sends each ipywidgets model whole: a Layout's 46 properties, most of them None; a
frame's description, placeholder and tooltip, all empty. A widget manager that restores a model
from the notebook (JupyterLab with no kernel, the embedded manager) starts from the model's
defaults and sets what the state holds, so a property stored at its default value changes
nothing. :func:`compact_widget_state` leaves such properties out: what is stored is what was
set to something else (the model's class is named beside its state). The defaults are
ipywidgets' own (those of the Python class registered for the model, which the widget protocol
keeps equal to the browser's); a model whose class it cannot build is stored whole.

Used by tools/notebook_tools.py when it stores an executed notebook. Steppers store dozens of
frames, each one HTML model: this is about a third of their stored state.
"""

from __future__ import annotations

import functools
import json

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# The stored model names its class outside its state (model_module, model_module_version,
# model_name): a manager builds the model from that class, with its defaults (the view's name
# among them), then sets the state. So nothing in the state needs keeping for that.
KEEP: tuple[str, ...] = ()


@functools.cache
def _defaults(module: str, version: str, name: str) -> dict | None:
    """The state of a freshly made widget of this model, or None when none can be made."""
    import warnings

    from ipywidgets.widgets.widget import Widget

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        registry = Widget.widget_types
    for key, cls in registry.items():
        if key[:3] == (module, version, name):
            widget = None
            for kwargs in ({}, {"options": ["-"]}):   # a selection widget needs options
                try:
                    widget = cls(**kwargs)
                    break
                except Exception:
                    continue
            if widget is None:      # a model that needs arguments (a link): stored whole
                return None
            state = json.loads(json.dumps(widget.get_state()))   # as stored: lists, not tuples
            widget.close()
            return state
    return None


def compact_widget_state(nb) -> int:
    """Drop, from every stored model of ``nb`` (changed in place), the properties that hold
    their default value. Returns how many were dropped."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    dropped = 0
    for model in state.values():
        defaults = _defaults(model.get("model_module"), model.get("model_module_version"),
                             model.get("model_name"))
        if defaults is None:
            continue
        values = model.get("state", {})
        for key in [k for k in values if k not in KEEP and k in defaults]:
            if values[key] == defaults[key] and not str(values[key]).startswith("IPY_MODEL_"):
                del values[key]
                dropped += 1
    return dropped
