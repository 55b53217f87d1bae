"""Figures of the series (matplotlib). Importing a module here imports matplotlib."""
