"""Versions, commit and run identity: what a manifest needs to make a number citable."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import qdsim
from qdsim.foundation.catalogue import parameters_for

#: modules and data whose content determines a run's results (a change to any
#: of them means a finished run may no longer be served from the registry)
_RESULT_SOURCES = (
    "__init__.py", "api.py", "foundation", "pipeline", "results", "simulation",
    "model", "scenario", "data",
)


@cache
def code_sha() -> str:
    """Hash of the qdsim code and data that compute results.

    Part of what makes a finished run servable: the registry never hands back
    results computed by different model code, even under the same version.
    """
    root = Path(qdsim.__file__).resolve().parent
    h = hashlib.sha256()
    files: list[Path] = []
    for name in _RESULT_SOURCES:
        p = root / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(f for f in p.rglob("*") if f.is_file() and f.suffix in (".py", ".yaml", ".yml", ".csv", ".json"))
    for f in sorted(files):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def commit() -> str:
    """The git commit of the qdsim source; for an installed package, its version and code hash.

    A checkout gives ``<sha>`` (``-dirty`` with uncommitted changes). An
    installed wheel has no git history, and may sit inside someone else's
    repository (a project's ``.venv``), so git is asked only when this very
    file is tracked; otherwise ``<version>+code.<first 12 of code_sha()>``
    still names exactly the code that computed a result.
    """
    here = Path(__file__).resolve().parent

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(here), *args], capture_output=True, text=True, timeout=5)

    try:
        if git("ls-files", "--error-unmatch", Path(__file__).name).returncode == 0:
            out = git("rev-parse", "HEAD")
            if out.returncode == 0:
                dirty = git("status", "--porcelain", "--untracked-files=no")
                return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return f"{qdsim.__version__}+code.{code_sha()[:12]}"


def versions() -> dict[str, str]:
    """qdsim's version and commit, and the versions of Python and the packages results depend on.

    Package versions come from their installed metadata, so that reading them
    (``qdsim validate`` computes run IDs) does not import Mesa.
    """
    return {
        "qdsim": qdsim.__version__,
        "commit": commit(),
        "python": platform.python_version(),
        "mesa": metadata.version("mesa"),
        "numpy": metadata.version("numpy"),
    }


def run_id(*, scenario_sha: str, params_sha: str, seed: int, replicates: int, scale: float) -> str:
    """Deterministic identity of a run: the same inputs and version give the same ID."""
    blob = json.dumps(
        {"scenario": scenario_sha, "params": params_sha, "seed": seed, "replicates": replicates, "scale": scale, "version": qdsim.__version__},
        sort_keys=True,
    )
    return "qd-" + hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class RunIdentity:
    """What identifies a run, known before it runs: its run ID and the inputs the ID is made of.

    The one place a run's identity is computed: the API, the batch engine, the
    registry and the app all take it from :meth:`of`. The scenario's part is
    :meth:`Scenario.sha256 <qdsim.scenario.schema.Scenario.sha256>` (the whole
    resolved scenario, run settings included); the parameters' part is the hash
    of the values the scenario runs with (its region's, with its overrides).
    """

    run_id: str
    scenario_id: str
    scenario_sha: str
    params_sha: str
    seed: int
    replicates: int
    scale: float

    @classmethod
    def of(cls, scenario) -> RunIdentity:
        s_sha, p_sha = scenario.sha256(), parameters_for(scenario).sha256()
        rid = run_id(scenario_sha=s_sha, params_sha=p_sha, seed=scenario.seed, replicates=scenario.replicates, scale=scenario.scale)
        return cls(rid, scenario.id, s_sha, p_sha, int(scenario.seed), int(scenario.replicates), float(scenario.scale))

    def record(self) -> dict:
        """The run as the run registry records it: the keywords of ``RunStore.start`` and ``RunStore.claim`` but the run ID."""
        return {k: v for k, v in asdict(self).items() if k != "run_id"}


def planned_run_id(scenario) -> str:
    """The run ID a scenario (with its replicates, seed and scale) will have: known before it runs."""
    return RunIdentity.of(scenario).run_id
