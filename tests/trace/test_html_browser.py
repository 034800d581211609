"""The HTML export in a real headless browser (Debian's chromium +
chromedriver, driven over the WebDriver protocol with urllib): the page
shows the source beside the tape, and clicking a source line highlights
its equations and adjoint instructions."""
import html
import os

import pytest

from .helpers import trace_of
from .webdriver import Browser, missing_reason

REASON = missing_reason()


def test_html_is_self_contained():
    page = trace_of("physics").to_html()
    assert page.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "<link", "src="):
        assert external not in page
    assert "<script>" in page and "<style>" in page
    assert html.escape("self.v -= k * math.sin(self.x) * dt") in page


@pytest.mark.skipif(REASON is not None, reason=f"no headless browser: {REASON}")
def test_html_click_source_line_highlights_rows(tmp_path):
    tr = trace_of("physics")
    path = tmp_path / "trace.html"
    path.write_text(tr.to_html(), encoding="utf-8")
    # physics.py line 11 (`self.x += self.v * dt`): equations and their adjoint
    want = sorted(v for v in tr.equation_vars() if tr.site(v).line == 11)
    want_adj = sorted(ins[0] for ins in tr.program if tr.site(ins[0]).line == 11)
    # line 17 (`p.kick(k, dt)`) is the call: everything inside kick
    want_call = sorted(v for v in tr.equation_vars() if tr.site(v).function == "Particle.kick")
    with Browser() as b:
        b.open("file://" + os.path.abspath(path))
        assert b.script("return document.title") == "bcad trace of energy"
        text = b.script("return document.body.innerText")
        assert "self.v -= k * math.sin(self.x) * dt" in text
        assert "%1:f64 = mul %0 0.8414709848078965" in text
        assert "ct%0 += vjp[mul, 0](ct%16, %0, %15)" in text
        lines = b.script("return document.querySelectorAll('.src').length")
        assert lines == len(open(tr.site(1).file).read().splitlines())
        assert b.script("return document.querySelectorAll('tr.hl').length") == 0

        b.click('.src[data-key="f0:11"]')
        assert b.script("return document.querySelector('.src[data-key=\"f0:11\"]')"
                        ".classList.contains('sel')")
        got = b.script("return Array.from(document.querySelectorAll('#forward tr.hl'))"
                       ".map(r => +r.dataset.var)")
        got_adj = b.script("return Array.from(document.querySelectorAll('#adjoint tr.hl'))"
                           ".map(r => +r.dataset.var)")
        assert sorted(got) == want
        assert sorted(got_adj) == want_adj

        b.click('.src[data-key="f0:17"]')
        got = b.script("return Array.from(document.querySelectorAll('#forward tr.hl'))"
                       ".map(r => +r.dataset.var)")
        assert sorted(got) == want_call
        assert not b.script("return document.querySelector('.src[data-key=\"f0:11\"]')"
                            ".classList.contains('sel')")

        b.click('#forward tr.row[data-var="5"]')
        assert b.script("return document.querySelector('.src[data-key=\"f0:11\"]')"
                        ".classList.contains('sel')")
        got_adj = b.script("return Array.from(document.querySelectorAll('#adjoint tr.hl'))"
                           ".map(r => +r.dataset.var)")
        assert got_adj and set(got_adj) == {5}
