"""Inbox paths: which files are read, and confinement to the inbox (no ``..``, no symlink escapes)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "SUPPORTED_SUFFIXES",
    "format_of",
    "is_hidden",
    "is_inside",
    "list_inbox_files",
    "relative_source_path",
    "walk_inbox",
]

# File name endings (lower-case) -> reader format name. Longest endings first.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".warc.gz": "warc",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}


def format_of(path: Path | str) -> str | None:
    """The reader format for a file name (``txt``, ``md``, ``jsonl``, ``html``, ``warc``) or None."""
    name = Path(path).name.lower()
    for suffix, fmt in SUPPORTED_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return fmt
    return None


def is_hidden(relative: Path) -> bool:
    """True for dotfiles (``.gitkeep``, ``.DS_Store``) or anything inside a dot-directory."""
    return any(part.startswith(".") for part in relative.parts)


def relative_source_path(path: Path, inbox: Path) -> str:
    """The posix path of ``path`` relative to ``inbox``, resolved lexically (``..`` collapsed).

    Starts with ``..`` when the path lies outside the inbox.
    """
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(inbox))
    return Path(rel).as_posix()


def is_inside(path: Path, inbox: Path) -> bool:
    """True when ``path`` is inside ``inbox`` both lexically and after following symlinks."""
    if relative_source_path(path, inbox).startswith(".."):
        return False
    try:
        return Path(path).resolve(strict=False).is_relative_to(Path(inbox).resolve(strict=False))
    except (OSError, RuntimeError):  # symlink loops
        return False


def walk_inbox(inbox: Path) -> list[Path]:
    """Every non-hidden regular file or symlink under ``inbox``, sorted by relative path.

    Symlinked directories are not descended into (those pointing outside the inbox
    are listed so they can be reported). Includes unsupported files and symlinks
    pointing outside the inbox: callers decide what to do with them.
    """
    inbox = Path(inbox)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith("."):
                found.append(base / name)
        for name in dirnames:
            if (base / name).is_symlink() and not is_inside(base / name, inbox):
                found.append(base / name)
    return sorted(found, key=lambda p: relative_source_path(p, inbox))


def list_inbox_files(inbox: Path) -> list[Path]:
    """The supported files under ``inbox``, sorted by relative path, confined to the inbox."""
    return [p for p in walk_inbox(inbox) if format_of(p) is not None and is_inside(p, inbox) and p.is_file()]
