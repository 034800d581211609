"""The text dump format, against golden files (identical on 3.11-3.13).

Regenerate after an intended format change with
    BCAD_UPDATE_GOLDEN=1 python -m pytest tests/trace/test_golden.py
and review the diff."""
import os

import pytest

from .helpers import CASES, GOLDEN, dump


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_dump(name):
    path = os.path.join(GOLDEN, f"{name}.txt")
    text = dump(name)
    if os.environ.get("BCAD_UPDATE_GOLDEN") == "1":
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    with open(path, encoding="utf-8") as fh:
        expected = fh.read()
    assert text == expected, f"dump of {name} differs from {path}:\n{text}"


def test_golden_dumps_have_no_addresses_or_paths():
    for name in CASES:
        text = dump(name)
        assert "0x" not in text
        assert os.sep + "tests" + os.sep not in text     # base names only


def test_debugging_guide_shows_the_current_dump():
    """docs/debugging.md walks through the piecewise_price dump verbatim."""
    docs = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(GOLDEN))), "docs",
                        "debugging.md")
    with open(docs, encoding="utf-8") as fh:
        guide = fh.read()
    for line in dump("piecewise_price").splitlines():
        assert line in guide, line
