"""Helpers shared by the tests and the benches (``bench/`` puts ``tests/`` on ``sys.path``)."""
