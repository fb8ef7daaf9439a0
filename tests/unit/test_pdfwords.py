"""bench.pdfwords: the old-versus-new PDF word comparison used to check the compact layout."""

from __future__ import annotations

from bench.pdfwords import compare


def test_reflowed_and_rehyphenated_text_loses_nothing():
    old = "Risk\nDatabase perfor-\nmance degradation\nOwner: Alice\n001-database-\nperformance\n\f"
    new = "Owner: Alice Risk Database performance\ndegradation 001-database-perfor-\nmance\n\f"
    assert compare(old, new) == ([], [])


def test_a_dropped_word_is_reported_and_a_new_one_too():
    lost, added = compare("Phase Foundation weeks 1-2\f", "Phase weeks 1-2 Slack\f")
    assert lost == ["Foundation"]
    assert added == ["Slack"]
