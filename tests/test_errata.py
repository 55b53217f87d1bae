"""Every erratum's check settles it: the wrong reading (literal, or an ambiguity's other one)
is wrong, the right one right."""

import pytest

from bptt_helpers.lessons import errata


@pytest.mark.parametrize("erratum", errata.ERRATA, ids=lambda e: e.key)
def test_erratum_is_settled_numerically(erratum):
    result = erratum.check()
    assert result.rel_err_corrected < errata.CORRECT_TOL
    if result.rel_err_as_printed is not None:
        assert result.rel_err_as_printed > errata.WRONG_TOL


def test_errata_name_existing_notebooks_and_unique_keys():
    from pathlib import Path

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    keys = [e.key for e in errata.ERRATA]
    assert len(keys) == len(set(keys))
    for erratum in errata.ERRATA:
        assert erratum.notebook.endswith(".ipynb")
        if any(notebooks.glob("*.ipynb")):  # once the series exists, every link must resolve
            assert (notebooks / erratum.notebook).exists(), erratum.notebook


def test_table_lists_every_erratum():
    table = errata.errata_table()
    for erratum in errata.ERRATA:
        assert erratum.key in table
    assert "✗" not in table  # no right reading missed the tolerance


def test_slips_named_in_issue_12_are_listed():
    keys = {e.key for e in errata.ERRATA}
    assert {"symbol-V", "shape-3.22", "feeds-3.4", "broadcast-4.3"} <= keys


def test_table_counts_agree_with_the_list():
    notation = sum(e.check().rel_err_as_printed is None for e in errata.ERRATA)
    ambiguities = sum(e.kind == "ambiguity" for e in errata.ERRATA)
    last = errata.errata_table().splitlines()[-1]
    assert last == (f"{len(errata.ERRATA) - notation - ambiguities} slips compute a wrong number as "
                    f"printed; {ambiguities} ambiguities allow a reading that does; "
                    f"{notation} slips are notation only")


def test_errata_2_and_6_are_ambiguities_with_both_readings():
    """The paper's wording allows both readings of (4.3) and of Remark 3.22's space: say so."""
    for key in ("broadcast-4.3", "shape-3.22"):
        erratum = next(e for e in errata.ERRATA if e.key == key)
        assert erratum.kind == "ambiguity" and erratum.other_reading and erratum.why_both
        report = errata.report(erratum)
        assert "an ambiguity" in report and "other reading" in report and "why both" in report
    assert sum(e.kind == "ambiguity" for e in errata.ERRATA) == 2
    broadcast = next(e for e in errata.ERRATA if e.key == "broadcast-4.3")
    assert "column vector and matrix" in broadcast.paper_says   # the paper's own hint, quoted


def _anchors(notebook_path):
    """Anchors a link may name: explicit <a id="..."> and JupyterLab's heading ids (spaces -> '-')."""
    import json
    import re

    anchors = set()
    for cell in json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        anchors.update(re.findall(r'<a id="([^"]+)"', source))
        for heading in re.findall(r"^#+\s+(.+?)\s*$", source, flags=re.M):
            anchors.add(heading.replace(" ", "-"))
    return anchors


def test_links_between_notebooks_resolve():
    """Every markdown link to a notebook names an existing file and, with #, an existing section."""
    import json
    import re
    from pathlib import Path
    from urllib.parse import unquote

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    broken = []
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            for target, anchor in re.findall(r"\]\(([0-9][0-9]_[^)#\s]+\.ipynb)(?:#([^)\s]+))?\)",
                                             "".join(cell["source"])):
                if not (notebooks / target).exists():
                    broken.append(f"{path.name} cell {index}: {target}")
                elif anchor and unquote(anchor) not in _anchors(notebooks / target):
                    broken.append(f"{path.name} cell {index}: {target}#{anchor}")
    assert not broken, broken
