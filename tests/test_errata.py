"""Every erratum's check settles it: the printed reading is wrong, the corrected one is right."""

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
    assert "!" not in table  # no corrected reading missed the tolerance
