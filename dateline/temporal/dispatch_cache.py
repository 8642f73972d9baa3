"""The extractor's dispatch tables, kept on disk between processes.

Which rules may start at a token, and which of those may continue with the next token, is worked out by
partial matching (``extract._first_rules`` and ``extract._pair_rules``). A fresh process pays for it as it meets
the words: about 1.3 s over its first few thousand articles, plus 0.45 s compiling the partial patterns. Every
per-file worker of a run is a fresh process, so a small run paid that on its critical path. The tables depend
only on the grammar and on the code that derives them, so they are kept in one JSON file per ``digest`` of
both; a missing, unreadable or foreign file is a cold cache, never an error.

``DATELINE_CACHE_DIR`` names the folder (default: the user's cache folder, by ``platformdirs``); ``off``
keeps the tables in memory only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

Pair = tuple[str, str, str | None]  # token key, separator, next token key (None: no known next token)


def cache_folder() -> Path | None:
    """Where the tables are kept: ``$DATELINE_CACHE_DIR``, else the user cache folder; None when ``off``."""
    configured = os.environ.get("DATELINE_CACHE_DIR")
    if configured is not None and configured.strip().lower() in ("off", "0", "none", ""):
        return None
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("dateline"))


class DispatchCache:
    """The rules per token key (``first``) and per token pair (``pairs``) known for one grammar ``digest``, read
    from ``folder`` (None: memory only). ``add_first`` / ``add_pair`` record new entries; ``save`` writes them."""

    def __init__(self, digest: str, folder: Path | None) -> None:
        self.path = folder / f"dispatch-{digest[:24]}.json" if folder is not None else None
        self.digest = digest
        self.first: dict[str, tuple[int, ...]] = {}
        self.pairs: dict[Pair, tuple[int, ...]] = {}
        self._unsaved = 0
        self._merge(self._read())

    def _read(self) -> dict | None:
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.info("dispatch cache %s unreadable (%s): starting cold", self.path, exc)
            return None
        return data if isinstance(data, dict) and data.get("digest") == self.digest else None

    def _merge(self, data: dict | None) -> None:
        if not data:
            return
        try:
            first = {str(k): tuple(int(i) for i in v) for k, v in data["first"].items()}
            pairs = {(str(k), str(s), None if n is None else str(n)): tuple(int(i) for i in v)
                     for k, s, n, v in data["pairs"]}
        except (KeyError, TypeError, ValueError) as exc:
            log.info("dispatch cache %s malformed (%s): ignored", self.path, exc)
            return
        for k, v in first.items():
            self.first.setdefault(k, v)
        for p, v in pairs.items():
            self.pairs.setdefault(p, v)

    def add_first(self, key: str, rules: tuple[int, ...]) -> None:
        self.first[key] = rules
        self._unsaved += 1

    def add_pair(self, pair: Pair, rules: tuple[int, ...]) -> None:
        self.pairs[pair] = rules
        self._unsaved += 1

    def save(self) -> None:
        """Write the tables (merged with what other processes wrote meanwhile) when this process added entries:
        to a temporary file renamed over the old one, so a reader sees one whole file or the other. Two
        processes saving at once may each drop the other's new entries: they are worked out again."""
        if self.path is None or not self._unsaved:
            return
        self._merge(self._read())
        data = {"digest": self.digest, "first": {k: list(v) for k, v in sorted(self.first.items())},
                "pairs": [[k, s, n, list(v)] for (k, s, n), v in self.pairs.items()]}
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
            self._unsaved = 0
        except OSError as exc:  # a read-only or full disk: the tables stay in memory
            log.info("dispatch cache %s not written (%s)", self.path, exc)
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
