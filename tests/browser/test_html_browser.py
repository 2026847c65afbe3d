"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``).

Each bundled report is loaded from a file; Chromium runs the page's script
and dumps the DOM (``--dump-dom``) and a screenshot in the same launch.  The
page records script errors on ``<body data-script-errors>``, sets
``data-script-ready="1"`` when its script has run, and counts the findings
the browser actually lays out (``data-findings-visible``).  The screenshots
are kept under ``build/test-artefacts/html/`` (ignored by git) as well as
in the test's ``tmp_path``.

Without Chromium these tests skip, unless the environment variable ``CI``
is set: then they fail, so CI cannot pass without running them.  Set
``XENREVIEW_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.reviews import BUNDLED, bundled_review
from tests.unit.report_html.page import Page, parse
from xenreview.report.html import render_html

ARTEFACTS = REPO_ROOT / "build" / "test-artefacts" / "html"
TIMEOUT = 30  # seconds per Chromium launch
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

pytestmark = pytest.mark.slow


def _find_chromium() -> str | None:
    override = os.environ.get("XENREVIEW_CHROMIUM")
    if override:
        return override if shutil.which(override) else None
    return next((found for name in NAMES if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _find_chromium()
    if found is None:
        message = (
            "Chromium is not installed: the HTML report's browser tests need it "
            "(Debian: apt-get install chromium; or set XENREVIEW_CHROMIUM)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI is set, so this is a failure, not a skip")
        pytest.skip(message)
    return found


def _run(chromium: str, url: str, profile: Path, screenshot: Path | None = None) -> str:
    """Load ``url`` in headless Chromium; return the DOM after the page's script ran."""
    args = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--window-size=1280,2000",
        "--dump-dom",
    ]
    if screenshot is not None:
        args.append(f"--screenshot={screenshot}")
    args.append(url)
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a timeout kills every helper too
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return f"TIMEOUT: Chromium did not finish within {TIMEOUT} s loading {url}"
    if proc.returncode != 0 or "<body" not in out:
        return f"FAILED: Chromium exited with {proc.returncode} on {url}: {err[-2000:]}"
    return out


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _tampered(html: str) -> str:
    """The page with a script slipped into it and its own script throwing (CSP hash updated)."""
    script = html[html.index("<script>") + 8 : html.index("</script>")]
    broken = script.replace(
        'body.setAttribute("data-script-ready", "1");', 'null.boom(); body.setAttribute("x", "1");'
    )
    assert broken != script
    html = html.replace(script, broken).replace(_digest(script), _digest(broken))
    injected = "<script>document.body.setAttribute('data-injected', '1')</script>"
    return html.replace("<main>", f"<main>{injected}", 1)


@dataclass(frozen=True)
class Loaded:
    dom: str  # the DOM after the script ran, or "TIMEOUT: ..."/"FAILED: ..."
    screenshot: Path | None


@pytest.fixture(scope="module")
def loaded(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Loaded]:
    """Every page this module looks at, loaded up front, three Chromiums at a time."""
    folder = tmp_path_factory.mktemp("browser")
    pages: dict[str, tuple[str, Path | None]] = {}
    for name in BUNDLED:
        path = folder / f"{name}.html"
        path.write_text(render_html(bundled_review(name)), encoding="utf-8")
        pages[name] = (path.as_uri(), folder / f"{name}.png")
    suspend = (folder / "xen-arm-suspend-v1.html").as_uri()
    pages["#severity=error"] = (suspend + "#severity=error", None)
    pages["?rule=ARM001"] = (suspend + "?rule=ARM001", None)
    tampered = folder / "tampered.html"
    tampered.write_text(_tampered(render_html(bundled_review("conflict-v1"))), encoding="utf-8")
    pages["tampered"] = (tampered.as_uri(), None)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            key: pool.submit(_run, chromium, url, folder / f"profile-{k}", shot)
            for k, (key, (url, shot)) in enumerate(pages.items())
        }
        result = {key: Loaded(f.result(), pages[key][1]) for key, f in futures.items()}
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for item in result.values():
        if item.screenshot is not None and item.screenshot.is_file():
            shutil.copyfile(item.screenshot, ARTEFACTS / item.screenshot.name)
    return result


def _dom(loaded: dict[str, Loaded], key: str) -> Page:
    out = loaded[key].dom
    if out.startswith(("TIMEOUT", "FAILED")):
        pytest.fail(out)
    return parse(out)


def _body(dom: Page) -> dict[str, str | None]:
    return next(attrs for tag, attrs in dom.tags if tag == "body")


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_report_loads_without_script_errors(loaded: dict[str, Loaded], name: str) -> None:
    dom = _dom(loaded, name)
    body = _body(dom)
    assert body.get("data-script-errors") == "0"
    assert body.get("data-script-ready") == "1"
    findings = bundled_review(name).findings
    # Every finding is in the DOM after the script ran, not hidden, and laid out.
    assert sorted(f.rule for f in dom.findings) == sorted(f.code for f in findings)
    assert not [f.id for f in dom.findings if f.hidden]
    assert body.get("data-findings-visible") == str(len(findings))
    form = next(attrs for tag, attrs in dom.tags if tag == "form")
    assert "hidden" not in form  # the script showed the filters
    shot = loaded[name].screenshot
    assert shot is not None
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 10_000  # a page was drawn, not a blank
    assert (ARTEFACTS / shot.name).is_file()


def test_severity_filter_from_the_url_hash(loaded: dict[str, Loaded]) -> None:
    dom = _dom(loaded, "#severity=error")
    body = _body(dom)
    assert (body.get("data-script-errors"), body.get("data-script-ready")) == ("0", "1")
    assert body.get("data-filter") == "severity=error"
    hidden = {f.rule for f in dom.findings if f.hidden}
    shown = {f.rule for f in dom.findings if not f.hidden}
    assert hidden == {"MOD010"}  # the one warning
    assert shown == {"ARM001", "ARM002", "MOD001", "MOD002", "MOD006", "MOD008"}
    assert body.get("data-findings-visible") == "6"
    # The index row and the model verdict of the hidden finding are hidden with it.
    rows = [a for _, a in dom.tags if a.get("data-rule") == "MOD010"]
    assert len(rows) == 3 and all("hidden" in a for a in rows)


def test_rule_filter_from_the_query(loaded: dict[str, Loaded]) -> None:
    dom = _dom(loaded, "?rule=ARM001")
    assert [f.rule for f in dom.findings if not f.hidden] == ["ARM001"]
    assert _body(dom).get("data-findings-visible") == "1"


def test_script_errors_are_recorded_and_slipped_in_scripts_blocked(
    loaded: dict[str, Loaded],
) -> None:
    """The error probe works, and the CSP stops a script that escaped escaping."""
    body = _body(_dom(loaded, "tampered"))
    assert body.get("data-script-errors") == "1"
    assert body.get("data-script-ready") == "0"
    assert "data-injected" not in body
