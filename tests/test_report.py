"""`dateline report`: the self-contained HTML timeline, its layout, and the page in headless Chromium.

The browser tests drive Debian's chromium over the DevTools protocol (a small websocket client, no
Playwright): the page loads with no console errors and no network requests, shows every event of the
sample in date order on a time axis, sizes circles by source count and shows the source sentence on hover.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dateline.cli import main
from dateline.report import CHROMIUM_FLAGS, build_axis, build_lanes, find_chromium, render_html, write_report
from pipelines.runner import run_pipeline

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium: apt-get install chromium)"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    shutil.copytree(REPO / "data" / "inbox", root / "inbox")
    run_pipeline(root / "inbox", root / "warehouse")
    return root / "warehouse"


@pytest.fixture(scope="module")
def page(warehouse: Path) -> Path:
    assert main(["report", "--warehouse", str(warehouse)]) == 0
    path = warehouse / "timeline.html"
    assert path.is_file()
    return path


def db_rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "timeline.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- the file ----------------------------------------------------------------------------------------------------


def test_report_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link rel=\"stylesheet\"" not in text
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text)
    assert all(r.startswith(("data:", "#")) for r in refs), refs
    assert "@import" not in text and "url(" not in text
    assert len(text) < 500_000


def test_out_option_and_default_location(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "mine.html"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out), "--title", "Sample <news>"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<title>Sample &lt;news&gt;</title>" in text
    assert not list(out.parent.glob(".*.tmp"))


def test_article_text_cannot_break_out_of_the_page() -> None:
    nasty = "</script><script>alert(1)</script> {{DATA}} <!--"
    ev = {
        "id": "x1", "start": date(2024, 1, 2), "end": date(2024, 1, 3), "value": "2024-01-02", "granularity": "day",
        "when": "2 Jan 2024", "description": nasty, "trigger": None, "actors": [nasty], "sources": 1,
        "reported_by": [{"title": nasty, "url": None, "published": None, "file": "f"}], "first_reported": None,
        "sentence": [nasty, "2 January", nasty], "anchor": "absolute",
    }
    page = render_html({"events": [ev], "articles": 1, "built_at": None, "schema_version": 1, "warning": None})
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "alert(1)</script>" not in page and "<!--" not in page
    assert "&lt;/script&gt;" in page, "the server-rendered list escapes text"
    data = re.search(r'<script id="timeline-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data)["events"][0]["description"] == nasty


def test_axis_cuts_out_long_empty_stretches() -> None:
    intervals = [(date(1800, 1, 1), date(1900, 1, 1))] + [(date(2024, m, 1), date(2024, m + 1, 1)) for m in range(1, 12)]
    axis = build_axis(intervals)
    assert len(axis.segments) == 2 and len(axis.breaks()) == 1
    old, new = (s.x1 - s.x0 for s in axis.segments)
    assert new > 3 * old, "room goes where the events are"
    days = [date(1800, 1, 1), date(1850, 6, 1), date(1950, 1, 1), date(2024, 1, 1), date(2024, 6, 30), date(2024, 12, 31)]
    xs = [axis.x(d) for d in days]
    assert xs == sorted(xs) and 0 <= xs[0] and xs[-1] <= 1
    ticks = axis.ticks()
    assert [t["x"] for t in ticks] == sorted(t["x"] for t in ticks)
    assert any(t["label"].startswith("1800") for t in ticks) and any("2024" in t["label"] for t in ticks)


def test_axis_without_gaps_is_linear() -> None:
    axis = build_axis([(date(2024, 1, 1), date(2024, 1, 2)), (date(2025, 1, 1), date(2025, 1, 2))])
    assert len(axis.segments) == 1 and axis.breaks() == []
    mid = axis.x(date(2024, 7, 2))
    assert abs(mid - (axis.x(date(2024, 1, 1)) + axis.x(date(2025, 1, 1))) / 2) < 0.01


def test_lanes_merge_actors_that_always_appear_together() -> None:
    def ev(i: int, actors: list[str]) -> dict:
        return {"id": f"e{i}", "start": date(2024, 1, i), "end": date(2024, 1, i + 1), "actors": actors}

    events = [ev(1, ["A", "B"]), ev(2, ["A", "B"]), ev(3, ["C"]), ev(4, []), ev(5, ["A", "B", "C"])]
    lanes = build_lanes(events)
    assert [(ln.label, ln.kind) for ln in lanes] == [("A · B", "actor"), ("C", "actor"), ("no named actor", "none")]
    assert lanes[0].event_ids == ["e1", "e2", "e5"]
    many = [ev(i, [f"actor{i}"]) for i in range(1, 21)]
    lanes = build_lanes(many, max_lanes=5)
    assert len(lanes) == 5 and lanes[-1].kind == "other"
    assert sorted(i for ln in lanes for i in ln.event_ids) == sorted(e["id"] for e in many)


def test_report_of_an_empty_warehouse(tmp_path: Path) -> None:
    from dateline import storage

    storage.publish_duckdb(tmp_path / "wh", REPO / "sql")
    out = write_report(tmp_path / "wh")
    text = out.read_text(encoding="utf-8")
    assert "No events in the published database yet" in text and "All 0 events" in text


# --- in the browser ----------------------------------------------------------------------------------------------


class Browser:
    """Headless Chromium driven over the DevTools protocol (flattened sessions, one page)."""

    def __init__(self, exe: str, profile: str) -> None:
        from websockets.sync.client import connect

        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
               "--remote-allow-origins=*", "about:blank"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url, deadline, seen = None, time.monotonic() + 60, []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1)
                break
        if url is None:
            self.proc.kill()
            raise RuntimeError("chromium did not start: " + "".join(seen)[-2000:])
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(url, max_size=None, open_timeout=30))
        self.events: list[dict] = []
        self._id = 0
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def send(self, method: str, params: dict | None = None, *, page: bool = False, timeout: float = 30) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if page:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.send(method, params, page=True)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev.get("method") == method:
                    return ev
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def drain(self, seconds: float = 0.3) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic()))))
            except TimeoutError:
                return

    def errors(self) -> list[str]:
        out = []
        for ev in self.events:
            method, p = ev.get("method"), ev.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append(f"console.{p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('exception', {}).get('description')}")
            elif method == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif method == "Page.javascriptDialogOpening":
                out.append(f"dialog: {p.get('message')}")
        return out

    def requests(self) -> list[str]:
        return [ev["params"]["request"]["url"] for ev in self.events if ev.get("method") == "Network.requestWillBeSent"]

    def open(self, url: str, width: int = 1200, height: int = 900) -> None:
        self.events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.page("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.drain()

    def close(self) -> None:
        try:
            self._stack.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def browser(page: Path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium: apt-get install chromium)")
    pytest.importorskip("websockets.sync.client")
    profile = tempfile.mkdtemp(prefix="dateline-cdp-")
    try:
        b = Browser(CHROMIUM, profile)
        try:
            b.open(page.resolve().as_uri())
            yield b
        finally:
            b.close()
    finally:
        # Chromium's helper processes can still write to the profile for a moment after the browser exits
        # (a teardown once failed with "Directory not empty"): removed again until it is gone.
        for _ in range(40):
            shutil.rmtree(profile, ignore_errors=True)
            if not os.path.exists(profile):
                break
            time.sleep(0.25)


@needs_chromium
def test_page_loads_without_console_errors_or_network(browser: Browser) -> None:
    assert browser.errors() == []
    assert browser.evaluate("document.documentElement.dataset.rendered") == "true"
    fetched = browser.requests()
    assert fetched and all(u.startswith(("file:", "data:")) for u in fetched), fetched


@needs_chromium
def test_page_shows_every_event_in_date_order(browser: Browser, warehouse: Path) -> None:
    expected = db_rows(warehouse, "SELECT timeline_id, start_date FROM timeline ORDER BY start_date, end_date, timeline_id")
    items = browser.evaluate(
        "Array.from(document.querySelectorAll('#event-list li')).map(li => [li.dataset.id, li.dataset.start])")
    assert [tuple(i) for i in items] == [(tid, d.isoformat()) for tid, d in expected]
    marks = browser.evaluate(
        """Array.from(document.querySelectorAll('#timeline-svg .mark')).map(g => {
             const c = g.querySelector('circle').getBoundingClientRect();
             return {id: g.dataset.id, start: g.dataset.start, sources: +g.dataset.sources,
                     x: c.x + c.width / 2, r: c.width / 2, visible: c.width > 0};
           })""")
    assert {m["id"] for m in marks} == {tid for tid, _ in expected}, "every event is drawn"
    assert all(m["visible"] for m in marks)
    starts = [m["start"] for m in marks]
    assert starts == sorted(starts), "marks follow date order in the DOM"
    # Placed on a time axis: a later date is never left of an earlier one, and a later year is to the right.
    by_start = sorted(marks, key=lambda m: m["start"])
    for a, b in zip(by_start, by_start[1:], strict=False):
        assert a["x"] <= b["x"] + 0.5, (a, b)
        if a["start"][:4] < b["start"][:4]:
            assert a["x"] < b["x"], (a, b)
    # Sized by source count.
    radius = {}
    for m in marks:
        radius.setdefault(m["sources"], set()).add(round(m["r"], 1))
    assert max(radius) >= 2, "the sample has an event reported twice"
    assert min(radius[max(radius)]) > max(radius[1])


@needs_chromium
def test_events_are_grouped_by_actor(browser: Browser, warehouse: Path) -> None:
    lanes = browser.evaluate(
        """Array.from(document.querySelectorAll('#timeline-svg .lane-label')).map(t =>
             [t.querySelector('title').textContent, t.getBoundingClientRect().y])""")
    assert any("Port of Rotterdam" in names for names, _ in lanes)
    rotterdam_y = next(y for names, y in lanes if "Port of Rotterdam" in names)
    ids = {r[0] for r in db_rows(warehouse, "SELECT timeline_id FROM actor_timeline WHERE actor = 'Port of Rotterdam'")}
    ys = browser.evaluate(
        """Array.from(document.querySelectorAll('#timeline-svg .mark')).map(g =>
             [g.dataset.id, g.querySelector('circle').getBoundingClientRect().y])""")
    lane_gap = sorted({round(y) for _, y in lanes})
    step = min(b - a for a, b in zip(lane_gap, lane_gap[1:], strict=False))
    near = {i for i, y in ys if abs(y - rotterdam_y) < 2 * step}
    assert ids <= near, "the actor's events are drawn in its lane"


@needs_chromium
def test_hover_shows_the_source_sentence(browser: Browser, warehouse: Path) -> None:
    tid, sentence, mention = db_rows(
        warehouse,
        """SELECT t.timeline_id, e.sentence, e.mention_text FROM timeline t JOIN events e ON e.event_id = t.event_id
           ORDER BY t.source_count DESC, t.start_date LIMIT 1""",
    )[0]
    box = browser.evaluate(
        f"""(() => {{ const c = document.querySelector('.mark[data-id="{tid}"] circle').getBoundingClientRect();
                     window.scrollTo(0, 0); return [c.x + c.width / 2, c.y + c.height / 2]; }})()""")
    for kind in ("mouseMoved",):
        browser.page("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1]})
    tip = browser.evaluate(
        "(() => { const t = document.getElementById('tip'); return [t.hidden, t.textContent, "
        "t.querySelector('mark') && t.querySelector('mark').textContent]; })()")
    assert tip[0] is False, "the tooltip is shown"
    assert sentence in tip[1]
    assert tip[2] == mention, "the date is highlighted in the sentence"
    assert "2 sources" in tip[1]
    browser.page("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 2, "y": 2})
    assert browser.evaluate("document.getElementById('tip').hidden") is True
    assert browser.errors() == []


@needs_chromium
def test_screenshots(browser: Browser, page: Path, tmp_path: Path) -> None:
    shot = base64.b64decode(browser.page("Page.captureScreenshot", {"format": "png"})["data"])
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    # The README's picture comes from `dateline report --screenshot docs/timeline.png`.
    png = tmp_path / "timeline.png"
    assert main(["report", "--warehouse", str(page.parent), "--out", str(tmp_path / "t.html"),
                 "--screenshot", str(png)]) == 0
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width == 1200 and 400 <= height <= 1600
    assert png.stat().st_size < 400_000
