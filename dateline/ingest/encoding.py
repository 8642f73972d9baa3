"""Bytes to text: BOM stripping, encoding detection and line-ending normalisation."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["UndecodableError", "decode_bytes", "detect_encoding", "normalise_newlines"]

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0/C1 control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# A text with more control characters than this (as a share of its length) is binary.
_MAX_CONTROL_SHARE = 0.02
# Encodings a single-byte Western feed is most likely in, tried when detection is unsure.
_WESTERN_FALLBACKS = ("cp1252", "iso8859_15", "latin_1")


class UndecodableError(ValueError):
    """The bytes do not look like text in any encoding we can recognise."""


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    return len(_CONTROL.findall(text)) / len(text) <= _MAX_CONTROL_SHARE


def split_bom(data: bytes) -> tuple[str | None, bytes]:
    """Return ``(encoding named by the BOM or None, data without the BOM)``."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom) :]
    return None, data


def detect_encoding(data: bytes) -> str | None:
    """Best guess at the encoding of ``data`` (BOM-less), or ``None`` for binary data."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        # Text in a single-byte encoding never contains NUL; BOM-less UTF-16/32 might.
        match = from_bytes(data).best()
        if match is not None and match.encoding.startswith(("utf_16", "utf_32")):
            return match.encoding
        return None
    # Western single-byte text is by far the most common non-UTF-8 input in news feeds,
    # and charset-normalizer often ranks cp1250 or a Mac code page first on short
    # Western snippets. Prefer a Western code page whenever it reads as well as the best
    # guess; take the detector's choice only when it reads clearly better.
    results = list(from_bytes(data))
    if results:
        best = min(r.percent_chaos for r in results)
        for western in _WESTERN_FALLBACKS:
            for r in results:
                if r.encoding == western and r.percent_chaos <= best:
                    return western
        for r in results:
            if r.percent_chaos <= best and _looks_like_text(str(r)):
                return "cp1252" if _same_as_cp1252(data, str(r)) else r.encoding
    for western in _WESTERN_FALLBACKS:
        try:
            if _looks_like_text(data.decode(western)):
                return western
        except UnicodeDecodeError:
            continue
    return None


def _same_as_cp1252(data: bytes, text: str) -> bool:
    try:
        return data.decode("cp1252") == text
    except UnicodeDecodeError:
        return False


def normalise_newlines(text: str) -> str:
    """Turn Windows (``\\r\\n``) and old Mac (``\\r``) line endings into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` to text: strip any BOM, detect the encoding, normalise newlines.

    Raises :class:`UndecodableError` when the bytes are not text (binary data).
    """
    bom_encoding, body = split_bom(data)
    if bom_encoding is not None:
        try:
            text = body.decode(bom_encoding)
        except UnicodeDecodeError as exc:
            raise UndecodableError(f"bytes do not match their {bom_encoding} byte-order mark: {exc}") from exc
    else:
        encoding = detect_encoding(body)
        if encoding is None:
            raise UndecodableError("bytes are not text in any recognisable encoding")
        text = body.decode(encoding, errors="replace")
    text = text.lstrip("\ufeff")
    if not _looks_like_text(text):
        raise UndecodableError("decoded text is mostly control characters (binary data?)")
    return normalise_newlines(text)
