"""The report is walked for non-finite numbers before anything is written (issue #12: no NaN verdict)."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import KeepTogether, Paragraph, Table

from si_thermal.errors import InputError
from si_thermal.report import pdf
from si_thermal.report.finite import first_non_finite

_N = getSampleStyleSheet()["Normal"]


@pytest.mark.parametrize("shown", ["nan", "NaN dB", "-inf W", "Infinity", "margin +inf"])
def test_a_non_finite_token_is_found_with_the_table_it_sits_in(shown):
    story = [Paragraph("<b>Table 3.</b> Link verdicts.", _N),
             KeepTogether([Table([["COM margin", Paragraph(shown, _N)]])])]
    where, text = first_non_finite(story)
    assert where.startswith("Table 3.") and text == shown


@pytest.mark.parametrize("words", ["none", "not evaluated", "infinite life (no wear-out)", "Infineon", "nanosecond",
                                   "finance", "1.2e-3 dB", "info"])
def test_words_and_finite_numbers_pass(words):
    assert first_non_finite([Table([["x", words]]), Paragraph(words, _N)]) is None


def test_write_report_refuses_before_writing(tmp_path, monkeypatch):
    out = tmp_path / "r.pdf"
    monkeypatch.setattr(pdf, "first_page", lambda *a: [Paragraph("<b>Table 1.</b> Verdicts", _N),
                                                       Table([["COM", "nan dB"]])])
    with pytest.raises(InputError, match="non-finite value under 'Table 1. Verdicts'"):
        pdf.write_report(out, {}, [], [], {})
    assert list(tmp_path.iterdir()) == []
