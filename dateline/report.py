"""A self-contained HTML timeline of the published database (``dateline report``).

One file, no network: CSS, JavaScript and the data are inlined. Events sit on a time axis (long empty
stretches are cut out and marked with a break), one lane per actor (actors that always appear together
share a lane), circles sized by source count (area proportional), the source sentence on hover or focus.
The layout (lanes, axis, x positions as fractions of the plot width) is computed here, so it is tested in
Python; the page's script only scales it to the window and draws it. A chronological list of every event
is rendered server-side below the chart (readable without JavaScript, and by screen readers).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from dateline.query import human_date, open_published, schema_warning

REPORT_FILENAME = "timeline.html"
MAX_LANES = 15
BREAK_WIDTH = 0.035  # share of the plot width taken by one axis break
MIN_SEGMENT_WIDTH = 0.06
NO_ACTOR = "no named actor"
OTHER_ACTORS = "other actors"


class ChromiumMissing(RuntimeError):
    """No chromium executable to take a screenshot with."""


# ---------------------------------------------------------------------------------------------------------------
# Data


_EVENTS_SQL = """
SELECT t.timeline_id, t.start_date, t.end_date, t.value, t.granularity, t.description, t.trigger,
       t.actors, t.source_count, t.sources, t.first_reported,
       e.sentence, e.sentence_start, e.mention_start, e.mention_end, e.mention_text, e.anchor_source
FROM timeline t
LEFT JOIN events e ON e.event_id = t.event_id
ORDER BY t.start_date, t.end_date, t.timeline_id
"""

_SOURCES_SQL = """
SELECT a.article_id, a.title, a.url, a.published_at, a.source_path
FROM articles a
WHERE a.article_id IN (SELECT unnest(sources) FROM timeline)
"""


def _split_sentence(sentence: str | None, s_start: int | None, m_start: int | None, m_end: int | None,
                    fallback: str) -> list[str]:
    """[before, date as written, after]: the sentence with the dating expression cut out for highlighting."""
    if not sentence:
        return [fallback, "", ""]
    if None not in (s_start, m_start, m_end):
        a, b = m_start - s_start, m_end - s_start
        if 0 <= a <= b <= len(sentence):
            return [sentence[:a], sentence[a:b], sentence[b:]]
    return [sentence, "", ""]


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.isoformat()
    return v.isoformat() if isinstance(v, date) else str(v)


def load_report_data(warehouse: Path) -> dict[str, Any]:
    """Every timeline event with its sentence and reporting articles, plus facts about the database."""
    con = open_published(warehouse)
    try:
        cur = con.execute(_EVENTS_SQL)
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        articles = {
            r[0]: {"title": r[1] or r[4], "url": r[2], "published": _iso(r[3]), "file": r[4]}
            for r in con.execute(_SOURCES_SQL).fetchall()
        }
        meta = con.execute("SELECT schema_version, built_at FROM dateline_meta").fetchone()
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        warning = schema_warning(con)
    finally:
        con.close()
    events = []
    for r in rows:
        events.append(
            {
                "id": r["timeline_id"],
                "start": r["start_date"],
                "end": r["end_date"],
                "value": r["value"],
                "granularity": r["granularity"],
                "when": human_date(r["value"], r["granularity"], r["start_date"], r["end_date"]),
                "description": r["description"],
                "trigger": r["trigger"],
                "actors": list(r["actors"] or []),
                "sources": int(r["source_count"]),
                "reported_by": [articles[a] for a in (r["sources"] or []) if a in articles],
                "first_reported": _iso(r["first_reported"]),
                "sentence": _split_sentence(r["sentence"], r["sentence_start"], r["mention_start"],
                                            r["mention_end"], r["description"]),
                "anchor": r["anchor_source"],
            }
        )
    return {
        "events": events,
        "articles": n_articles,
        "schema_version": meta[0] if meta else None,
        "built_at": _iso(meta[1]) if meta else None,
        "warning": warning,
    }


# ---------------------------------------------------------------------------------------------------------------
# Layout: lanes and the time axis


@dataclass
class Lane:
    label: str
    actors: list[str]
    kind: str  # actor | other | none
    event_ids: list[str]


def build_lanes(events: list[dict[str, Any]], max_lanes: int = MAX_LANES) -> list[Lane]:
    """One lane per actor, actors that always appear together merged, busiest first.

    Actors beyond ``max_lanes`` share an "other actors" lane (only for events left without any lane);
    events naming nobody go to a last lane.
    """
    by_actor: dict[str, list[str]] = {}
    first: dict[str, tuple] = {}
    for ev in events:
        for a in dict.fromkeys(ev["actors"]):
            by_actor.setdefault(a, []).append(ev["id"])
            first.setdefault(a, (ev["start"], ev["end"]))
    groups: dict[tuple[str, ...], list[str]] = {}
    for actor, ids in by_actor.items():
        groups.setdefault(tuple(ids), []).append(actor)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[0]), first[kv[1][0]], kv[1][0].lower()))
    has_other = any(ev["actors"] for ev in events) and len(ordered) > max_lanes
    has_none = any(not ev["actors"] for ev in events)
    room = max_lanes - (1 if has_other else 0)
    lanes = []
    for ids, actors in ordered[:room]:
        label = " · ".join(actors[:3]) + (f" +{len(actors) - 3}" if len(actors) > 3 else "")
        lanes.append(Lane(label, actors, "actor", list(ids)))
    if has_other:
        placed = {i for lane in lanes for i in lane.event_ids}
        rest = [ev["id"] for ev in events if ev["actors"] and ev["id"] not in placed]
        if rest:
            lanes.append(Lane(OTHER_ACTORS, [], "other", rest))
    if has_none:
        lanes.append(Lane(NO_ACTOR, [], "none", [ev["id"] for ev in events if not ev["actors"]]))
    return lanes


@dataclass
class Segment:
    start: date  # first day shown
    end: date  # day after the last day shown
    x0: float
    x1: float

    def x(self, d: date) -> float:
        span = (self.end - self.start).days or 1
        return self.x0 + (self.x1 - self.x0) * (d - self.start).days / span


@dataclass
class TimeAxis:
    segments: list[Segment]

    def x(self, d: date) -> float:
        """Position of a day on the plot, 0..1; monotonic in ``d``."""
        segs = self.segments
        for i, s in enumerate(segs):
            if d < s.end or i == len(segs) - 1:
                if d < s.start and i > 0:  # inside a break: its middle
                    return (segs[i - 1].x1 + s.x0) / 2
                return min(max(s.x(d), s.x0 if i else 0.0), s.x1 if i < len(segs) - 1 else 1.0)
        return 1.0

    def span(self, start: date, end: date) -> tuple[float, float]:
        """x of an interval's start and end; the end is clipped to the stretch of axis the start is on."""
        x0 = self.x(start)
        seg = next((s for s in self.segments if s.x0 <= x0 <= s.x1), self.segments[-1])
        return x0, max(x0, min(self.x(end), seg.x1))

    def breaks(self) -> list[dict[str, Any]]:
        out = []
        for a, b in zip(self.segments, self.segments[1:], strict=False):
            years = (b.start - a.end).days / 365.25
            out.append({"x": (a.x1 + b.x0) / 2, "x0": a.x1, "x1": b.x0, "label": f"{years:.0f} years omitted"})
        return out

    def ticks(self, min_spacing: float = 0.07) -> list[dict[str, Any]]:
        out = []
        for s in self.segments:
            out.extend(_segment_ticks(s, min_spacing))
        return out


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


_STEPS = [1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000]


def _segment_ticks(s: Segment, min_spacing: float) -> list[dict[str, Any]]:
    width = s.x1 - s.x0
    room = max(1, int(width / min_spacing))
    lo, hi = _months(s.start), _months(s.end - timedelta(days=1))
    for step in _STEPS:
        first = -(-lo // step) * step
        if s.start > _month_start(first):
            first += step
        marks = list(range(first, hi + 1, step))
        if len(marks) <= room:
            break
    if not marks:
        return [{"x": s.x0, "label": f"{s.start:%b %Y}" if (s.end - s.start).days < 730 else str(s.start.year),
                 "major": True}]
    out = []
    for m in marks:
        d = _month_start(m)
        label = str(d.year) if step >= 12 or d.month == 1 else f"{d:%b}"
        if step < 12 and (m == marks[0] or d.month == 1):
            label = f"{d:%b %Y}"
        out.append({"x": s.x(d), "label": label, "major": d.month == 1})
    return out


LONG_INTERVAL = timedelta(days=400)


def build_axis(intervals: list[tuple[date, date]], *, min_gap_days: int = 3 * 366, gap_share: float = 0.3) -> TimeAxis:
    """A time axis over ``[start, end)`` intervals, with long empty stretches cut out.

    A gap between events becomes a break when it is longer than ``min_gap_days`` and than ``gap_share`` of
    the time still shown, so one 19th-century mention does not squash two busy years into a sliver. Long
    intervals (a decade, a century) count for their first year only: "the 19th century" must not stretch
    the axis over a hundred empty years. Each stretch gets plot width mostly by how many events it holds.
    """
    if not intervals:
        today = date.today()
        return TimeAxis([Segment(date(today.year, 1, 1), date(today.year + 1, 1, 1), 0.0, 1.0)])
    spans = sorted((s, min(max(e, s + timedelta(days=1)), s + LONG_INTERVAL)) for s, e in intervals)
    clusters: list[list] = []  # [start, end, events]
    for s, e in spans:
        if clusters and s <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], e)
            clusters[-1][2] += 1
        else:
            clusters.append([s, e, 1])
    total = (clusters[-1][1] - clusters[0][0]).days
    gaps = sorted(((clusters[i + 1][0] - clusters[i][1]).days, i) for i in range(len(clusters) - 1))
    broken: set[int] = set()
    shown = total
    while gaps:
        gap, i = gaps.pop()
        if gap > min_gap_days and gap > gap_share * shown:
            broken.add(i)
            shown -= gap
        else:
            break
    runs: list[list] = []
    for i, (s, e, n) in enumerate(clusters):
        if runs and i - 1 not in broken:
            runs[-1][1] = e
            runs[-1][2] += n
        else:
            runs.append([s, e, n])
    padded = []
    for s, e, n in runs:
        pad = timedelta(days=max(15, round((e - s).days * 0.03)))
        padded.append((s - pad, e + pad, n))
    usable = 1.0 - BREAK_WIDTH * (len(padded) - 1)
    days = sum((e - s).days for s, e, _ in padded)
    weights = [0.75 * n / len(spans) + 0.25 * (e - s).days / days for s, e, n in padded]
    widths = [max(MIN_SEGMENT_WIDTH, usable * w) for w in weights]
    widths = [w * usable / sum(widths) for w in widths]
    segments, x = [], 0.0
    for (s, e, _), w in zip(padded, widths, strict=True):
        segments.append(Segment(s, e, x, x + w))
        x += w + BREAK_WIDTH
    segments[-1].x1 = 1.0
    return TimeAxis(segments)


def layout(data: dict[str, Any]) -> dict[str, Any]:
    """Lanes, axis ticks and breaks, and x positions (0..1) of every event's interval."""
    events = data["events"]
    axis = build_axis([(ev["start"], ev["end"]) for ev in events])
    lanes = build_lanes(events)
    return {
        "lanes": [{"label": ln.label, "actors": ln.actors, "kind": ln.kind, "events": ln.event_ids} for ln in lanes],
        "ticks": axis.ticks(),
        "breaks": axis.breaks(),
        "x": {ev["id"]: list(axis.span(ev["start"], ev["end"])) for ev in events},
    }


# ---------------------------------------------------------------------------------------------------------------
# HTML


def _asset(name: str) -> str:
    return resources.files("dateline.resources.report").joinpath(name).read_text(encoding="utf-8")


def _script_json(obj: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can close the element or start a comment."""
    text = json.dumps(obj, default=_iso, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _list_items(events: list[dict[str, Any]]) -> str:
    e = html.escape
    items = []
    for ev in events:
        before, mention, after = ev["sentence"]
        actors = ", ".join(ev["actors"])
        srcs = ev["sources"]
        titles = "; ".join(a["title"] or "" for a in ev["reported_by"])
        items.append(
            f'<li class="event-item" data-id="{e(ev["id"])}" data-start="{ev["start"].isoformat()}" '
            f'data-end="{ev["end"].isoformat()}" data-sources="{srcs}">'
            f'<time datetime="{ev["start"].isoformat()}">{e(ev["when"])}</time> '
            f'<span class="value">{e(ev["value"])}</span> '
            f'<span class="count" title="{e(titles)}">{srcs} source{"s" if srcs != 1 else ""}</span>'
            + (f' <span class="actors">{e(actors)}</span>' if actors else "")
            + f'<p class="sentence">{e(before)}<mark>{e(mention)}</mark>{e(after)}</p></li>'
        )
    return "\n".join(items)


def _subtitle(data: dict[str, Any]) -> str:
    events = data["events"]
    if not events:
        return "No events in the published database yet."
    first, last = events[0], max(events, key=lambda ev: ev["start"])
    multi = sum(1 for ev in events if ev["sources"] > 1)
    built = (data.get("built_at") or "")[:16].replace("T", " ")
    return (
        f"{len(events)} events from {data['articles']} articles, {first['when']} to {last['when']}; "
        f"{multi} reported by more than one source. Built {built} UTC."
    )


def render_html(data: dict[str, Any], title: str | None = None) -> str:
    title = title or "dateline: timeline"
    payload = {"events": data["events"], "layout": layout(data)}
    page = _asset("template.html")
    parts = {
        "TITLE": html.escape(title),
        "SUBTITLE": html.escape(_subtitle(data)),
        "CSS": _asset("report.css"),
        "JS": _asset("report.js"),
        "DATA": _script_json(payload),
        "LIST": _list_items(data["events"]),
        "COUNT": str(len(data["events"])),
        "LANES": str(len(payload["layout"]["lanes"])),
    }
    # One pass over the template only: placeholders inside the inserted text are never expanded.
    page = re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], page)
    return page


def write_report(warehouse: Path, out: Path | None = None, title: str | None = None) -> Path:
    """Write the HTML timeline (default ``<warehouse>/timeline.html``) atomically; returns its path."""
    data = load_report_data(warehouse)
    out = Path(out) if out else Path(warehouse) / REPORT_FILENAME
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render_html(data, title), encoding="utf-8")
    os.replace(tmp, out)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Screenshot (headless Chromium, no DevTools needed)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def find_chromium() -> str | None:
    for name in (os.environ.get("DATELINE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int | None = None,
               chromium: str | None = None, timeout: float = 60) -> Path:
    """Save a PNG of the top of the page (the chart), ``width`` pixels wide."""
    exe = chromium or find_chromium()
    if not exe:
        raise ChromiumMissing("no chromium found to take the screenshot (apt-get install chromium, or set DATELINE_CHROMIUM)")
    if height is None:
        found = re.search(r'<meta name="dateline:lanes" content="(\d+)">', Path(html_path).read_text(encoding="utf-8"))
        n_lanes = int(found.group(1)) if found else 10
        height = min(1600, max(420, 190 + 46 * n_lanes))
    png_path = Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dateline-chromium-") as profile:
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={png_path}", Path(html_path).resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not png_path.exists():
        raise RuntimeError(f"chromium could not take the screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return png_path


def radius(sources: int) -> float:
    """Circle radius in pixels for a source count (area proportional to the count); mirrored in report.js."""
    return 6.0 * math.sqrt(max(1, sources))
