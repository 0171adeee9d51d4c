"""Sketchsite's benchmark: real Daphne processes, simulated browsers, figures beside a baseline.

Run `python -m bench --help`; docs/performance.md explains the method and the figures.
"""
