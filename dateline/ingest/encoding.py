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
_WESTERN_FALLBACKS = ("cp1252", "latin-1")


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
    # Western single-byte text is by far the most common non-UTF-8 input in news feeds.
    # charset-normalizer is unreliable on short Western snippets, so prefer cp1252 when
    # it decodes cleanly and yields printable text; otherwise ask the detector.
    try:
        if _looks_like_text(data.decode("cp1252")):
            match = from_bytes(data).best()
            if match is not None and match.encoding not in {"cp1252", "latin_1", "iso8859_15"}:
                guessed = str(match)
                # Accept a non-Western guess only when it is clearly better (fewer odd chars).
                if (
                    _looks_like_text(guessed)
                    and match.percent_chaos < 0.05
                    and _has_letters_outside_latin(guessed)
                ):
                    return match.encoding
            return "cp1252"
    except UnicodeDecodeError:
        pass
    match = from_bytes(data).best()
    if match is not None and _looks_like_text(str(match)):
        return match.encoding
    text = data.decode("latin-1")
    return "latin-1" if _looks_like_text(text) else None


def _has_letters_outside_latin(text: str) -> bool:
    return sum(1 for ch in text if ch.isalpha() and ord(ch) > 0x24F) > max(3, len(text) // 50)


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
