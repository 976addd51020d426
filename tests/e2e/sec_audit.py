"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import e2e


def test_harness_finds_module_tests():
    """e2e.py finds a test in a module of its own (this file)."""
    assert e2e.ARGS.bin and os.path.exists(e2e.ARGS.bin)
