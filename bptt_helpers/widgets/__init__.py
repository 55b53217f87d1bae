"""Interactive widgets of the series (ipywidgets + matplotlib).

Each widget keeps its logic in plain functions (what step t shows) that pytest
tests directly; the widget classes only wire those functions to controls.
"""
