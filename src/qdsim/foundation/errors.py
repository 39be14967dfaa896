"""One error type for bad input: :class:`InputError`, exported as ``qdsim.InputError``.

Every entry point — the library API (:mod:`qdsim.api`, ``Scenario.with_changes``,
``RunResult.outcomes``), the command line and the EMA adapter — raises it
(or a subclass) for input it refuses, before any simulation runs. It is a
``ValueError``, so that ``except ValueError`` keeps catching it, and it says:

- ``path``: where the input is, as ``file:line`` for a file or the dotted
  path for a change (``levers.funds.fiscal``), or the argument (``year``);
- ``field``: the field or argument at fault;
- ``message_en`` and ``message_zh``: what is wrong and what to write instead;
- ``suggestion``: a "did you mean" (``"fiscal"``), or None.

A file or a set of changes with several problems raises one
:class:`~qdsim.scenario.ScenarioError` (a subclass) that lists them all
(``problems``); its ``path``, ``field`` and ``suggestion`` are its first
problem's.

This module imports nothing from qdsim, so any module can raise it;
:func:`qdsim.scenario.messages.input_error` makes one with its Chinese
wording from the table of messages.
"""

from __future__ import annotations

import re

__all__ = ["InputError", "suggestion_in"]

_DID_YOU_MEAN = re.compile(r"did you mean [\"'“]?([^\"'”?)]+)[\"'”]?\?")


def suggestion_in(message: str) -> str | None:
    """The suggestion a message carries as ``(did you mean 'x'?)``, else None."""
    m = _DID_YOU_MEAN.search(message or "")
    return m.group(1).strip() if m else None


class InputError(ValueError):
    """Input that qdsim refuses: it names where (``path``), the ``field``, what is wrong in English and Chinese, and a suggestion."""

    def __init__(self, message_en: str, *, path: str | None = None, field: str | None = None, message_zh: str | None = None,
                 suggestion: str | None = None):
        self.message_en = str(message_en)
        self.path = path
        self.field = field
        self.message_zh = message_zh if message_zh is not None else self.message_en
        self.suggestion = suggestion if suggestion is not None else suggestion_in(self.message_en)
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """``path: field: message`` in ``lang`` (``"en"`` or ``"zh"``), leaving out what is not known."""
        message = self.message_zh if lang == "zh" else self.message_en
        head = [p for p in (self.path, self.field) if p]
        if len(head) == 2 and head[0] == head[1]:
            head = head[:1]
        return ": ".join([*head, message])

    def __str__(self) -> str:
        return self.args[0] if self.args else self.message_en

    def __reduce__(self):  # picklable across processes (EMA's multiprocessing evaluator)
        return (_rebuild, (type(self), self.message_en, self.path, self.field, self.message_zh, self.suggestion))


def _rebuild(cls, message_en, path, field, message_zh, suggestion):
    e = InputError.__new__(cls)
    InputError.__init__(e, message_en, path=path, field=field, message_zh=message_zh, suggestion=suggestion)
    return e
