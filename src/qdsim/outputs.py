"""A run's output folder: which files make it, whether it is complete, and replacing it atomically.

``summary.csv``, ``cost.csv``, ``manifest.json``, ``replicates.parquet`` and ``scenario.yaml``.
A folder is written beside its destination and moved into place, so a
crash never leaves half a run; a folder that holds anything but a run's
files (or is the working folder) is never deleted to make room for one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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
REPLACEABLE_EXTRAS = ("brief", "attribution.csv")


def replaceable(path: str | os.PathLike) -> bool:
    """Whether a run's outputs may replace ``path``: it does not exist, or is a folder holding nothing but a run's files.

    A file, a folder of anything else (``--out ~`` by mistake, notes added to a run folder), or the
    working folder and its parents are never deleted to make room for a run.
    """
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        return True
    if not p.is_dir():
        return False
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = None
    if here is not None and (p.resolve() == here or p.resolve() in here.parents):
        return False
    allowed = {*OUTPUT_FILES, *REPLACEABLE_EXTRAS}
    return all(x.name in allowed for x in p.iterdir())


@contextlib.contextmanager
def replacing(dst: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``dst`` when the block ends without error.

    The folder is filled beside ``dst`` and moved into place, so a crash never
    leaves a half-written output; on error it is removed. ``dst`` is replaced
    only when :func:`replaceable`; otherwise FileExistsError, before any work.
    """
    target = Path(dst).resolve()  # "." and symbolic links: replace the folder itself
    if not replaceable(target):
        raise FileExistsError(f"{dst} is the working folder or holds more than a qdsim run; it is not replaced (choose another output folder)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        tmp.chmod(0o755)
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def copy_outputs(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a run's output directory to ``dst`` atomically (see :func:`replacing`)."""
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        return dst
    with replacing(dst) as tmp:
        for f in OUTPUT_FILES:
            shutil.copy2(src / f, tmp / f)
    return dst
