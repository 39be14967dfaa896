"""Human-written YAML files, read safely, with every problem as ``file:line: field: message``.

Scenario files and batch files share this: the safe loader only (no tags
that build objects), duplicate keys as errors, limits on size, depth and
alias expansion, a line index of every key path, and pydantic errors mapped
back to the line of the field they concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from qdsim.foundation.errors import InputError, suggestion_in
from qdsim.foundation.format import plain
from qdsim.scenario import messages, shipped

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 200_000  # after expanding aliases: stops "billion laughs" documents


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, at its line and field; ``message`` in English, :attr:`zh` in Chinese."""

    file: str
    line: int
    field: str
    message: str

    @property
    def zh(self) -> str:
        """The message in Chinese (what the app shows on its Chinese page)."""
        return messages.zh(self.message)

    def text(self, lang: str = "en") -> str:
        """``file:line: field: message`` in ``lang`` (``"en"`` or ``"zh"``)."""
        message = self.zh if lang == "zh" else self.message
        return f"{_one_line(self.file)}:{self.line}: {_one_line(self.field).replace(': ', ':')}: {_one_line(message)}"

    def __str__(self) -> str:
        """One line that splits at the first ``: `` after the line number (a field never holds ``: ``)."""
        return self.text("en")


def _one_line(s: str) -> str:
    """Text as written, with newlines and other control characters shown as escapes (``\\n``)."""
    s = str(s)
    return s if s.isprintable() else "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)


class ScenarioError(InputError):
    """A scenario or batch file (or a set of changes) with one or more problems: an :class:`~qdsim.foundation.errors.InputError` listing them all.

    ``problems`` holds every one; ``path`` (``file:line``), ``field`` and
    ``suggestion`` are the first problem's, ``message_en``/``message_zh``
    every problem's text, one a line.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        # a file: file:line; a change (``<changes>``, line 0): its dotted path
        where = None if first is None else f"{first.file}:{first.line}" if first.line else first.field if first.file.startswith("<") else first.file
        super().__init__("\n".join(str(p) for p in self.problems), path=where, field=None if first is None else first.field,
                         message_zh="\n".join(p.text("zh") for p in self.problems),
                         suggestion=None if first is None else suggestion_in(first.message))

    def text(self, lang: str = "en") -> str:
        """Every problem as ``file:line: field: message``, one a line."""
        return self.message_zh if lang == "zh" else self.message_en

    def __reduce__(self):
        return (type(self), (self.problems,))


class _Loader(yaml.SafeLoader):
    """Safe loader that records each node's line and rejects duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value", key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_index(node: yaml.Node, path: tuple = (), out: dict | None = None, depth: int = 0) -> dict[tuple, int]:
    """Map each key path to its 1-based line."""
    out = {} if out is None else out
    if depth > MAX_DEPTH:
        return out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = _scalar_key(k)
            out[path + (key,)] = k.start_mark.line + 1
            _line_index(v, path + (key,), out, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_index(v, path + (i,), out, depth + 1)
    return out


def _scalar_key(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        try:
            return yaml.safe_load(node.value) if node.tag.endswith(":int") else node.value
        except yaml.YAMLError:
            return node.value
    return repr(node)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes once aliases are expanded (memoised: linear in the document)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = min(size, 10 * MAX_NODES)
    return memo[key]


_DIGITS_END = re.compile(r"[0-9０-９]$")
_THOUSAND_GROUP = re.compile(r"^[0-9０-９]{3}(?![0-9０-９])")
_DIGITS_ONLY = re.compile(r"^[0-9０-９]+$")


def _split_at_commas(node: yaml.Node, path: tuple = (), depth: int = 0) -> list[tuple[tuple, int, str]]:
    """Numbers with a thousands separator that YAML split inside ``{…}`` or ``[…]``: ``(field path, line, the number as typed)``.

    In a flow collection a comma separates entries, so ``{2026: 50,000万元}``
    reads as ``{2026: 50, "000万元": null}``. A comma with no space after it,
    between an entry ending in a digit and one starting with three digits, is
    a thousands separator that the writer meant (in a list, only when the
    three digits cannot be an entry of their own); the fix is to quote it.
    """
    if depth > MAX_DEPTH:
        return []
    out = []
    if isinstance(node, yaml.MappingNode):
        pieces = [(n, _scalar_key(k)) for k, v in node.value for n in (k, v)]  # (node, key of its entry)
        for k, v in node.value:
            out += _split_at_commas(v, path + (_scalar_key(k),), depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        pieces = [(v, i) for i, v in enumerate(node.value)]
        for i, v in enumerate(node.value):
            out += _split_at_commas(v, path + (i,), depth + 1)
    else:
        return out
    if not node.flow_style:
        return out
    scalars = [(n, key) for n, key in pieces if isinstance(n, yaml.ScalarNode) and n.style is None and n.value]
    run: list[tuple[yaml.ScalarNode, Any]] = []
    for n, key in scalars + [(None, None)]:
        a = run[-1][0] if run else None
        if a is not None and n is not None and a.end_mark.line == n.start_mark.line and n.start_mark.column == a.end_mark.column + 1 \
                and _DIGITS_END.search(a.value) and _THOUSAND_GROUP.match(n.value):
            run.append((n, key))
            continue
        # a number and the groups of three digits split from it; in […] only when a group cannot be a number of its
        # own (a leading 0, a unit: [1,000万元, 2,000万元]), since [100,200,300] is a list
        if len(run) > 1 and (isinstance(node, yaml.MappingNode) or any(x.value[0] in "0０" or not _DIGITS_ONLY.match(x.value) for x, _ in run[1:])):
            first, first_key = run[0]
            where = path + ((first_key,) if isinstance(node, yaml.MappingNode) else ())
            out.append((where, first.start_mark.line + 1, ",".join(x.value for x, _ in run)))
        run = [(n, key)] if n is not None else []
    return out


def _depth(obj: Any, d: int = 0) -> int:
    if d > MAX_DEPTH:
        return d
    if isinstance(obj, dict):
        return max([_depth(v, d + 1) for v in obj.values()], default=d + 1)
    if isinstance(obj, list):
        return max([_depth(v, d + 1) for v in obj], default=d + 1)
    return d


def parse_yaml(text: str | bytes, filename: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML text safely; return the data and its line index, or raise ScenarioError."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError([Problem(filename, 1, "(file)", f"file is larger than {MAX_FILE_BYTES // 1000} kB")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            line = text[: e.start].count(b"\n") + 1
            raise ScenarioError([Problem(filename, line, "(file)", "not valid UTF-8 text")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(filename, 1, "(file)", f"file is larger than {MAX_FILE_BYTES // 1000} kB")])
    if not text.strip():
        raise ScenarioError([Problem(filename, 1, "(file)", "the file is empty")])
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is not None and _expanded_size(node, {}) > MAX_NODES:
            raise ScenarioError([Problem(filename, 1, "(file)", f"too large: more than {plain(MAX_NODES)} values once aliases are expanded")])
        split = _split_at_commas(node) if node is not None else []
        if split:  # before constructing: the split pieces may collide as duplicate keys
            raise ScenarioError([Problem(filename, line, ".".join(map(str, where)) or "(file)",
                                         f"{number} was split at its comma (inside {{…}} or […] YAML reads a comma as a separator): "
                                         f"write \"{number}\" in quotes, or {number.replace(',', '')}")
                                 for where, line, number in split])
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        msg = (e.problem or str(e)).strip()
        if "could not determine a constructor" in msg or "tag" in msg:
            msg = f"YAML tags are not allowed ({msg})"
        raise ScenarioError([Problem(filename, line, "(yaml)", msg)]) from None
    except (yaml.YAMLError, RecursionError) as e:
        raise ScenarioError([Problem(filename, 1, "(yaml)", f"cannot parse: {type(e).__name__}")]) from None
    if node is None or data is None:
        raise ScenarioError([Problem(filename, 1, "(file)", "the file is empty")])
    if not isinstance(data, dict):
        raise ScenarioError([Problem(filename, node.start_mark.line + 1, "(file)", "expected a mapping of fields at the top level")])
    if _depth(data) > MAX_DEPTH:
        raise ScenarioError([Problem(filename, 1, "(file)", f"nested deeper than {MAX_DEPTH} levels")])
    return data, _line_index(node)


def _line_for(loc: tuple, lines: dict[tuple, int]) -> int:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def line_lookup(filename: str, lines: dict[tuple, int]):
    """A function mapping a field location to (file, line) within one file."""
    return lambda loc: (filename, _line_for(loc, lines))


def clean_error(e: dict) -> tuple[tuple, str]:
    """Location without pydantic's internal tags, and a plain message."""
    loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and ("[" in p or p in {"function-before", "function-after"})))
    loc = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in loc)
    if "shares" in loc:  # a single split is stored under the all-years key 0
        i = loc.index("shares")
        if i + 1 < len(loc) and loc[i + 1] == 0:
            loc = loc[: i + 1] + loc[i + 2 :]
    msg = e["msg"].removeprefix("Value error, ")
    if e["type"] == "extra_forbidden":
        msg = "unknown field"
    elif e["type"] == "missing":
        msg = "required field is missing"
    return loc, msg


def _split_model_level(loc: tuple, msg: str) -> list[tuple[tuple, str]]:
    """Checks across fields report ``a.b.c: message; d.e: message``: give each its own location."""
    if loc or ": " not in msg:
        return [(loc, msg)]
    out = []
    for part in msg.split("; "):
        path, _, text = part.partition(": ")
        if text and all(seg.replace("_", "").isalnum() for seg in path.split(".")):
            out.append((tuple(int(x) if x.isdigit() else x for x in path.split(".")), text))
        else:
            out.append(((), part))
    return out


def problems_from_validation(err: ValidationError, lookup, prefix: tuple = (), suggest=None) -> list[Problem]:
    """One Problem per (field, message), each at the file and line that hold the field.

    ``suggest(loc)``: a "did you mean" for an unknown field at ``loc`` (see
    :func:`qdsim.scenario.paths.did_you_mean`).
    """
    out, seen = [], set()
    errors = []
    for e in err.errors():
        loc, msg = clean_error(e)
        if e["type"] == "extra_forbidden" and suggest is not None:
            msg += suggest(loc)
        errors += _split_model_level(loc, msg)
    for loc, msg in errors:
        full = prefix + loc
        field = ".".join(str(p) for p in full) or "(file)"
        if (field, msg) in seen:
            continue
        seen.add((field, msg))
        f, line = lookup(full)
        out.append(Problem(f, line, field, msg))
    return out


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError([Problem(str(path), 1, "(file)", f"file is larger than {MAX_FILE_BYTES // 1000} kB")])
        return p.read_bytes()
    except FileNotFoundError:
        hint = f" (shipped, by name: {', '.join(shipped.names())}; `qdsim scenarios` lists them)" if len(p.parts) == 1 else ""
        raise ScenarioError([Problem(str(path), 0, "(file)", "no such file" + hint)]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(str(path), 0, "(file)", "is a directory, not a file")]) from None
    except PermissionError:
        raise ScenarioError([Problem(str(path), 0, "(file)", "permission denied")]) from None
