"""Where a character of a scalar's value sits in the file, through folding, quoting and escapes.

A scalar's value and its source differ only in whitespace (line folding, indentation, chomping)
and, for quoted scalars, in escapes (``''`` in single quotes, ``\\`` sequences in double quotes).
So the n-th character of the value that is not whitespace is the n-th one of the source once
escapes are read as the characters they stand for: counting those maps a column of the value
back to a line and column of the file, whatever the style. Pure.
"""

from __future__ import annotations

from newswatch.config.yamlpos import Pos

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
    "\n": "", "\r": "",
}  # fmt: skip
"""What a double-quoted escape stands for, when it is not itself (``\\"``, ``\\\\``, ``\\/``);
an escaped line break stands for nothing."""
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def position_in_scalar(text: str, scalar: Pos, value: str, offset: int) -> Pos:
    """The position in ``text`` of ``value[offset]`` (the end, past the last character), where
    ``value`` is the scalar at ``scalar``; whitespace there moves on to the next character."""
    wanted = sum(1 for ch in value[:offset] if not ch.isspace())
    index = _content_start(text, scalar)
    end = index
    seen = 0
    while index < scalar.end:
        width, stands_for = _read(text, index, scalar.style)
        if width == 0:  # the closing quote
            break
        if stands_for and not stands_for.isspace():
            if seen == wanted:
                return _position(text, index)
            seen += 1
            end = index + width
        index += width
    return _position(text, end)


def _content_start(text: str, scalar: Pos) -> int:
    """Where the value's characters start: after the quote, or after a block scalar's header."""
    if scalar.style in {"'", '"'}:
        return scalar.index + 1
    if scalar.style in {"|", ">"}:
        newline = text.find("\n", scalar.index)
        return scalar.end if newline < 0 else newline + 1
    return scalar.index


def _read(text: str, index: int, style: str | None) -> tuple[int, str]:
    """(source characters read, the value characters they stand for); (0, "") at the end."""
    ch = text[index]
    if style == "'" and ch == "'":
        return (2, "'") if text.startswith("''", index) else (0, "")
    if style == '"' and ch == '"':
        return 0, ""
    if style == '"' and ch == "\\":
        code = text[index + 1 : index + 2]
        digits = _HEX_DIGITS.get(code)
        if digits is not None:
            return 2 + digits, chr(int(text[index + 2 : index + 2 + digits], 16))
        return 2, _ESCAPES.get(code, code)
    return 1, ch


def _position(text: str, index: int) -> Pos:
    line_start = text.rfind("\n", 0, index) + 1
    return Pos(text.count("\n", 0, index) + 1, index - line_start + 1)
