"""A run's output folder: which files make it, whether it is complete, and replacing it atomically.

``summary.csv``, ``cost.csv``, ``manifest.json``, ``replicates.parquet`` and ``scenario.yaml``.
A folder is written beside its destination and moved into place, so a
crash never leaves half a run; a folder that holds anything qdsim did not
write (or is the working folder) is never deleted to make room for one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

#: why a folder of files with no qdsim manifest is not replaced
NO_MANIFEST = "holds files but no qdsim run (no qdsim manifest.json)"
OUTPUT_FILES = ("summary.csv", "cost.csv", "manifest.json", "replicates.parquet", "scenario.yaml")


def outputs_ok(out_dir: str | os.PathLike | None, run_id: str, code: str | None = None) -> bool:
    """True when ``out_dir`` holds the complete outputs of ``run_id`` (computed by ``code``)."""
    if not out_dir:
        return False
    d = Path(out_dir)
    if not all((d / f).is_file() for f in OUTPUT_FILES):
        return False
    try:
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("run_id") != run_id:
        return False
    return code is None or manifest.get("code_sha256") == code


#: what a run folder may hold besides its outputs and still be replaced by a new run (`qdsim brief RUN` writes RUN/brief)
REPLACEABLE_EXTRAS = ("brief",)
#: files a run writes only sometimes (attribution.csv: a run with assumption draws and a baseline)
OPTIONAL_FILES = ("attribution.csv",)
#: the files `qdsim brief RUN` writes in RUN/brief (``<scenario>-brief-<lang>.<format>``) and RUN/brief/figures
_BRIEF_FILE = re.compile(r"(?P<sid>.+)-brief-(zh|en)\.(html|docx|md)")
_FIGURE_FILE = re.compile(r"(?P<sid>.+)-(zh|en)-[a-z0-9-]+\.png")
_RUN_ID = re.compile(r"qd-[0-9a-f]{6,64}")
#: how many times a writer retries when another writer put its folder in place at the same moment
_ATTEMPTS = 50


def why_not_replaceable(path: str | os.PathLike) -> str | None:
    """Why a run's outputs may not replace ``path``, or None when they may.

    They may when ``path`` does not exist, is an empty folder, or is a folder
    qdsim wrote: its ``manifest.json`` parses as a qdsim manifest and every
    file in it is one a run or its brief writes (``RUN/brief/<scenario>-brief-zh.docx``…,
    ``RUN/brief/figures/*.png``). A file, a folder holding anything else (a
    user's ``reports/brief/minister-2025.docx``, notes added to a run folder,
    ``--out ~`` by mistake), or the working folder and its parents are never
    deleted to make room for a run.
    """
    p = Path(path)
    why = None
    for _ in range(5):  # another writer of the same folder may swap it while it is read: read again until it holds still
        before = _identity(p)
        try:
            why = _why_not(p)
        except FileNotFoundError:  # gone while we looked: another writer moved it aside, and nothing of anyone's is lost
            return None
        if why is None or (before is not None and before == _identity(p)):
            return why
        time.sleep(0.05)
    return why


def _identity(p: Path) -> tuple[int, int] | None:
    """The device and inode of ``p`` (None when nothing is there): a swapped folder has another."""
    try:
        st = p.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _why_not(p: Path) -> str | None:
    if not p.exists() and not p.is_symlink():
        return None
    if not p.is_dir():
        return "is a file" if p.exists() or p.is_symlink() else None
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = None
    if here is not None and (p.resolve() == here or p.resolve() in here.parents):
        return "is the working folder (or holds it)"
    try:
        entries = list(p.iterdir())
    except FileNotFoundError:  # moved aside by another writer of the same folder as it was read: nothing is there now
        return None
    if not entries:
        return None
    manifest = p / "manifest.json"
    try:
        m = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() and not manifest.is_symlink() else None
    except (OSError, ValueError):
        m = None
    if m is None and not p.exists():  # moved aside between the listing and the manifest: nothing is there now
        return None
    if not (isinstance(m, dict) and isinstance(m.get("run_id"), str) and _RUN_ID.fullmatch(m["run_id"])
            and isinstance(m.get("scenario"), dict) and "qdsim_version" in m):
        return NO_MANIFEST
    sid = m["scenario"].get("id")
    foreign = [x.name for x in entries if not _ours(x, sid)]
    if foreign:
        return f"holds files qdsim did not write ({', '.join(sorted(foreign)[:5])}{', …' if len(foreign) > 5 else ''})"
    return None


def _ours(entry: Path, sid: str | None) -> bool:
    """Whether ``entry`` of a run folder is one a run or its brief writes."""
    if entry.is_symlink():
        return False
    if entry.name in OUTPUT_FILES or entry.name in OPTIONAL_FILES:
        return _regular_or_gone(entry)
    if entry.name in REPLACEABLE_EXTRAS and entry.is_dir():
        for x in entry.iterdir():
            if x.is_symlink():
                return False
            if x.name == "figures" and x.is_dir():
                if not all(_named(_FIGURE_FILE, f, sid) for f in x.iterdir()):
                    return False
            elif not _named(_BRIEF_FILE, x, sid):
                return False
        return True
    return False


def _named(pattern: re.Pattern, f: Path, sid: str | None) -> bool:
    m = pattern.fullmatch(f.name)
    return bool(m) and _regular_or_gone(f) and (sid is None or m["sid"] == sid)


def _regular_or_gone(f: Path) -> bool:
    """Whether ``f`` is a plain file, or gone (another writer moved its folder aside), in one look."""
    try:
        return stat.S_ISREG(f.lstat().st_mode)
    except FileNotFoundError:
        return True


def replaceable(path: str | os.PathLike) -> bool:
    """Whether a run's outputs may replace ``path`` (see :func:`why_not_replaceable`)."""
    return why_not_replaceable(path) is None


class NotReplaceable(FileExistsError):
    """An output folder that qdsim will not replace (it holds things qdsim did not write)."""


@contextlib.contextmanager
def replacing(dst: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``dst`` when the block ends without error.

    The folder is filled beside ``dst`` and moved into place, so a crash never
    leaves a half-written output; on error it is removed. ``dst`` is replaced
    only when :func:`replaceable` (checked before any work and again just
    before the move); otherwise :class:`NotReplaceable`.

    The old folder is renamed aside, the new one renamed in, then the old one
    removed: two writers of one folder at once (two commands with the same
    ``--out``) never fail for each other; the last one in stays, complete.
    """
    target = Path(dst).resolve()  # "." and symbolic links: replace the folder itself
    why = why_not_replaceable(target)
    if why:
        raise NotReplaceable(f"{dst} {why}; it is not replaced (choose another output folder)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        tmp.chmod(0o755)
        yield tmp
        _move_in(tmp, target, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _move_in(tmp: Path, target: Path, shown: str | os.PathLike) -> None:
    for _ in range(_ATTEMPTS):
        try:
            os.rename(tmp, target)  # only onto nothing or an empty folder
            return
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        why = why_not_replaceable(target)
        if why:
            raise NotReplaceable(f"{shown} {why}; it is not replaced (choose another output folder)")
        aside = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:12]}"
        try:
            os.rename(target, aside)
        except FileNotFoundError:  # another writer moved it aside first
            continue
        try:
            os.rename(tmp, target)
            return
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        finally:
            shutil.rmtree(aside, ignore_errors=True)
    raise OSError(f"{shown}: other writers kept replacing it; try again")


def copy_outputs(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a run's output directory to ``dst`` atomically (see :func:`replacing`)."""
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        return dst
    with replacing(dst) as tmp:
        for f in OUTPUT_FILES:
            shutil.copy2(src / f, tmp / f)
    return dst
