"""Rich display: the HTML, LaTeX and SVG that Jupyter shows for Discovery, LieAlgebra and
Identification (liealg.display), checked on real objects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import liealg
import liealg.catalog as cat
from liealg import display
from liealg.algebra import LieAlgebra
from liealg.catalog import exceptional
from liealg.errors import OptionError
from liealg.identification import identify


class _Balanced(HTMLParser):
    VOID = frozenset({"br", "img", "circle", "line", "polyline", "meta", "hr"})

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def assert_balanced_html(text: str) -> None:
    p = _Balanced()
    p.feed(text)
    p.close()
    assert not p.stack, f"unclosed tags {p.stack}"


def assert_balanced_latex(text: str) -> None:
    assert text.count("{") == text.count("}")
    for env in re.findall(r"\\begin\{(\w+\*?)\}", text):
        assert text.count(f"\\begin{{{env}}}") == text.count(f"\\end{{{env}}}"), env


@pytest.fixture(scope="module")
def lorentz():
    return liealg.discover("x1**2 + x2**2 + x3**2 - x4**2", seed=0)


def test_discovery_html_and_latex(lorentz):
    out = display.discovery_html(lorentz)
    assert_balanced_html(out)
    for fragment in ("so(3,1)", "sl(2,C)", "(3, 3, 0)", "A1+A1", "J6&nbsp;=", "<svg", "certified"):
        assert fragment in out, fragment
    tex = display.discovery_latex(lorentz)
    assert tex.startswith("$$") and tex.endswith("$$")
    assert r"\mathfrak{so}(3,1)" in tex and r"\begin{pmatrix}" in tex and "[J_{1}, J_{2}]" in tex
    assert_balanced_latex(tex)


def test_discovery_to_latex_is_a_table_with_generators(lorentz):
    tex = display.to_latex(lorentz, label="tab:lorentz")
    assert_balanced_latex(tex)
    assert r"\begin{tabular}{ll}" in tex and r"\label{tab:lorentz}" in tex
    assert "x_{1}^{2}" in tex and "certified & yes" in tex
    assert tex.count(r"\begin{pmatrix}") == 6 and "[J_{1}, J_{2}]" in tex


def test_identification_html_draws_every_ideal():
    I = identify(LieAlgebra.from_matrices(cat.direct_sum(cat.so(3), cat.sl(2), cat.su(3))))
    out = display.identification_html(I)
    assert_balanced_html(out)
    assert out.count("<svg") == 6  # a Dynkin and a root diagram per simple ideal
    for ideal in I.ideals:
        assert ideal.real_form in out


def test_svg_is_well_formed_and_counts_nodes_and_roots():
    for make, nodes, roots in ((lambda: exceptional.g2_matrices(), 2, 12), (lambda: cat.sp(4), 2, 8),
                               (lambda: cat.so(8), 4, 24), (lambda: cat.so(3, 1), 2, 4)):
        ideal = identify(LieAlgebra.from_matrices(make())).ideals[0]
        svg = display.dynkin_svg(ideal.cartan_matrix, title=ideal.type)
        ET.fromstring(svg)
        assert svg.count("<circle") == nodes
        rs = display.roots_svg(ideal.roots, ideal.cartan_matrix)
        ET.fromstring(rs)
        assert rs.count("<circle") == roots + 1  # and the origin


def test_dynkin_arrows_point_to_the_short_root():
    g2 = display.dynkin_svg(((2, -1), (-3, 2)))
    assert g2.count("<line") == 3 and g2.count("<polyline") == 1
    d4 = display.dynkin_svg(((2, -1, 0, 0), (-1, 2, -1, -1), (0, -1, 2, 0), (0, -1, 0, 2)))
    assert d4.count("<line") == 3 and "polyline" not in d4


def test_roots_in_the_coxeter_plane_show_the_coxeter_number():
    """E6's 72 roots projected to its Coxeter plane lie on rings of 12 (h = 12)."""
    import numpy as np

    C = ((2, -1, 0, 0, 0, 0), (-1, 2, -1, 0, 0, 0), (0, -1, 2, -1, 0, -1), (0, 0, -1, 2, -1, 0),
         (0, 0, 0, -1, 2, 0), (0, 0, -1, 0, 0, 2))
    svg = display.roots_svg(_positive_and_negative(C), C)
    pts = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[34]"', svg)]
    c = 90.0
    radii = np.round([np.hypot(x - c, y - c) for x, y in pts], 0)
    _, counts = np.unique(radii, return_counts=True)
    assert len(pts) == 72 and all(n % 12 == 0 for n in counts)


def _positive_and_negative(C):
    """All roots of a Cartan matrix by root strings (independent of liealg): a + a_i is a root
    iff q > 0, where q = p - <a, a_i^vee> and p is how far a - k a_i stays a root."""
    r = len(C)
    positive = {tuple(int(i == j) for j in range(r)) for i in range(r)}
    frontier = sorted(positive)
    while frontier:
        new = []
        for a in frontier:
            for i in range(r):
                p = 0
                while tuple(a[j] - (p + 1) * (j == i) for j in range(r)) in positive:
                    p += 1
                if p - sum(a[j] * C[j][i] for j in range(r)) > 0:
                    b = tuple(a[j] + (j == i) for j in range(r))
                    if b not in positive:
                        positive.add(b)
                        new.append(b)
        frontier = new
    return sorted(positive) + [tuple(-x for x in a) for a in sorted(positive)]


def test_algebra_html_names_it_and_shows_brackets():
    L = LieAlgebra.from_matrices(cat.su(3))
    out = display.algebra_html(L)
    assert_balanced_html(out)
    assert "su(3)" in out and "[e1, e2]" in out and "more brackets" in out and "<svg" in out
    tex = display.algebra_latex(L)
    assert tex.startswith("$$\\begin{aligned}") and "[e_{1}, e_{2}]" in tex
    assert_balanced_latex(tex)


def test_algebra_latex_of_solvable_and_abelian():
    heis = LieAlgebra.from_structure_constants(3, [[0, 1, 2, "1/2"]])
    assert r"\frac{1}{2} e_{3}" in display.algebra_latex(heis)
    assert "abelian" in display.algebra_latex(LieAlgebra.from_structure_constants(2, {}))
    out = display.algebra_html(heis)
    assert "heis(3)" in out and "<svg" not in out


def test_identification_latex_and_paper_table():
    I = identify(LieAlgebra.from_matrices(cat.poincare(1, 3)))
    assert r"\ltimes" in display.latex_name(I.name)
    tex = display.to_latex(I)
    assert_balanced_latex(tex)
    assert "radical, centre" in tex
    assert display.identification_latex(identify(cat.su(3))).startswith(r"$$\mathfrak{su}(3)")


@pytest.mark.parametrize("name, latex", [
    ("so(3,1)", r"\mathfrak{so}(3,1)"),
    ("sl(2,R)", r"\mathfrak{sl}(2,\mathbb{R})"),
    ("su(2) ⊕ su(2)", r"\mathfrak{su}(2) \oplus \mathfrak{su}(2)"),
    ("su(3) ⊕ u(1)", r"\mathfrak{su}(3) \oplus \mathfrak{u}(1)"),
    ("so(3) ⋉ R^3", r"\mathfrak{so}(3) \ltimes \mathbb{R}^{3}"),
    ("E6(-26)", "E_{6(-26)}"),
    ("G2(2)", "G_{2(2)}"),
    ("f4", r"\mathfrak{f}_{4}"),
    ("R^2", r"\mathbb{R}^{2}"),
    ("heis(3)", r"\mathfrak{heis}(3)"),
    ("Bianchi VII_0", r"\text{Bianchi VII\_0}"),  # words: text mode keeps the space
])
def test_latex_name(name, latex):
    assert display.latex_name(name) == latex


def test_to_latex_refuses_other_objects():
    with pytest.raises(OptionError, match="Discovery, LieAlgebra or Identification"):
        display.to_latex("so(3)")


# --------------------------------------------------------------------------------------------
# The methods Jupyter calls, on the objects themselves
# --------------------------------------------------------------------------------------------


def test_discovery_shows_itself_in_jupyter(lorentz):
    html_out, tex = lorentz._repr_html_(), lorentz._repr_latex_()
    assert html_out == display.discovery_html(lorentz) and "so(3,1)" in html_out
    assert tex == display.discovery_latex(lorentz) and r"\mathfrak{so}(3,1)" in tex
    table = lorentz.to_latex(caption="Lorentz", label="tab:l", generators=False)
    assert table == display.to_latex(lorentz, caption="Lorentz", label="tab:l", generators=False)
    assert r"\caption{Lorentz}" in table and r"\begin{pmatrix}" not in table
    assert lorentz.to_latex().count(r"\begin{pmatrix}") == 6


def test_algebra_and_identification_show_themselves():
    L = LieAlgebra.from_matrices(cat.sp(4))
    assert "sp(4,R)" in L._repr_html_() and L._repr_latex_().startswith("$$\\begin{aligned}")
    assert L.to_latex(label="tab:sp4") == display.to_latex(L, label="tab:sp4")
    I = identify(L)
    assert I._repr_html_() == display.identification_html(I) and I._repr_html_().count("<svg") == 2
    assert I._repr_latex_() == display.identification_latex(I)
    # sp(4,R) = so(3,2) and B2 = C2: identification names it so(3,2), type B2
    assert r"\label{x}" in I.to_latex(label="x") and "complex type & $B_2$" in I.to_latex()


def test_ipython_picks_html_and_latex():
    """What a notebook receives: IPython's formatter finds both representations."""
    from IPython.core.formatters import DisplayFormatter

    I = identify(cat.so(3, 1))
    data, _ = DisplayFormatter().format(I)
    assert {"text/plain", "text/html", "text/latex"} <= set(data)
    assert "so(3,1)" in data["text/html"] and data["text/plain"].startswith("Identification(")
