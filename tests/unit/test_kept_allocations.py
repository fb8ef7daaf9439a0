"""The garbage collector is held back while collectors render, and left as it was."""

from __future__ import annotations

import gc

import pytest

from sphinxcontrib_plan.render.transform import LARGE_PAGE_ROWS, kept_allocations


@pytest.fixture
def full_collections():
    seen: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_paused_while_rendering_and_resumed_after() -> None:
    assert gc.isenabled()
    with kept_allocations(10):
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_after_an_error() -> None:
    with pytest.raises(ValueError), kept_allocations(10):
        raise ValueError("a renderer failed")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with kept_allocations(10):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_large_page_collects_the_earlier_garbage_first(full_collections) -> None:
    with kept_allocations(LARGE_PAGE_ROWS):
        assert len(full_collections) == 1
        # nothing more is collected while the page is built, however much it allocates
        for _ in range(50_000):
            _ = [[]]
    assert len(full_collections) == 1


def test_a_small_page_collects_nothing_first(full_collections) -> None:
    with kept_allocations(LARGE_PAGE_ROWS - 1):
        assert full_collections == []
