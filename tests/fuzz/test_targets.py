"""Every fuzz target over its seed corpus and its regression inputs (fast, deterministic).

The long, random runs are ``python tools/fuzz.py`` (CI); this keeps every
crash ever found fixed, and the targets themselves working, in the normal
suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.targets import CORPUS, DICTIONARIES, TARGETS, inputs, run

# Targets that still fail on their corpus, with the bug they show.  strict: once
# the bug is fixed, the entry must go.
KNOWN_FAILING: dict[str, str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for name in TARGETS:
        marks = []
        if name in KNOWN_FAILING:
            marks.append(pytest.mark.xfail(reason=KNOWN_FAILING[name], strict=True))
        cases.append(pytest.param(name, id=name, marks=marks))
    return cases


@pytest.mark.parametrize("name", _cases())
def test_target_on_its_corpus(name: str) -> None:
    found = inputs(name)
    assert found, f"no seed inputs for {name}"
    for path in found:
        try:
            run(TARGETS[name], path.read_bytes())
        except BaseException as exc:
            raise AssertionError(f"{name} crashes on {path}: {exc!r}") from exc


def test_every_target_has_a_corpus_and_every_folder_a_target() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders == set(TARGETS)
    for path in DICTIONARIES.glob("*.dict"):
        assert path.stem in TARGETS, path


def test_seed_inputs_are_small() -> None:
    """The corpus stays in the repository: no seed over 16 KiB."""
    big = [p for name in TARGETS for p in inputs(name) if p.stat().st_size > 16 * 1024]
    assert big == []


def test_a_crash_is_an_exception_and_an_error_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """The invariant itself: XenreviewError is an answer, anything else escapes."""
    from tests.fuzz import targets
    from xenreview.errors import InputError

    def raises(error: BaseException) -> None:
        raise error

    target = targets.Target("probe", lambda data: raises(InputError("bad")), 1, ())
    run(target, b"")
    crash = targets.Target("probe", lambda data: raises(KeyError("x")), 1, ())
    with pytest.raises(KeyError):
        run(crash, b"")
    broken = targets.Target("probe", lambda data: targets.check(False, "no"), 1, ())
    with pytest.raises(targets.Invariant):
        run(broken, b"")


def test_the_diff_target_checks_the_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser that loses a line is caught by the target (it can fail)."""
    from tests.fuzz import targets
    from xenreview.diff import parse

    real = parse.parse_diff

    def lossy(text: str, **kwargs: object) -> object:
        return real(text.replace("+b\n", "+c\n"), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parse, "parse_diff", lossy)
    data = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    with pytest.raises(targets.Invariant):
        run(TARGETS["diff"], data)


def test_the_html_target_sees_injected_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """An HTML report that printed a field raw would be caught."""
    from tests.fuzz import targets
    from xenreview.report import html

    real = html.render_html

    def leaky(result: object) -> str:
        page = real(result)  # type: ignore[arg-type]
        return page.replace("</body>", "<xcanary></xcanary></body>")

    monkeypatch.setattr(html, "render_html", leaky)
    with pytest.raises(targets.Invariant):
        run(TARGETS["html"], Path(CORPUS / "html" / "plain").read_bytes())
