"""Benchmarks against the homeserver's own floor (issue 11): scripts, not tests.

Run `python -m bench.run_all --quick` (about a minute) or `python -m bench.run_all`.
"""
