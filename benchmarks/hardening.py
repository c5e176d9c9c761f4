"""Run a corpus of hostile inputs through the CLI and tally the answers (issue 15's bar).

Each file runs in its own process under a memory cap (``resource.setrlimit(RLIMIT_AS)``,
4 GiB by default) with a timeout (30 s): ``*.yaml`` as ``iads run FILE --out DIR -q`` (and
``iads results DIR`` when the run succeeds), ``*.csv``/``*.parquet`` as
``iads track FILE --out DIR/tracks.csv -q``. A file passes when the exit code is 0 or 2, stderr
holds no traceback and no warning, exit 2 comes with ``error:`` lines only, each naming the
file, and exit 2 leaves nothing behind in the output folder.

Then it times ``iads validate`` of a scenario with ``--assets`` (40,000) assets, once valid
and once with every raid aimed at an unknown asset, in a child process (CPU from
``resource.getrusage(RUSAGE_CHILDREN)`` beside wall time, with the load average).

    python benchmarks/hardening.py [CORPUS_DIR] [--mem-gib 4] [--timeout-s 30] [--assets 40000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "tests" / "hardening" / "corpus"


@dataclass
class Outcome:
    """How one corpus file ended: exit code, seconds, and the problem found (empty: passed)."""

    file: str
    code: int | None
    seconds: float
    problem: str
    stderr: str = ""


def _limit(mem_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))

    return apply


def _iads(args: list[str], mem_bytes: int, timeout_s: float, cwd: str):
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, "-m", "iads.cli", *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout_s,
        preexec_fn=_limit(mem_bytes),
        cwd=cwd,
        env=env,
    )


def _problem(proc: subprocess.CompletedProcess, out: Path, name: str = "") -> str:
    err = proc.stderr
    if proc.returncode not in (0, 2):
        return f"exit {proc.returncode}: {err.strip()[-200:]}"
    if "Traceback" in err:
        return "traceback"
    if "Warning" in err:
        return "warning printed"
    if proc.returncode == 2:
        lines = err.splitlines()
        if not lines or any(not ln.startswith("error: ") for ln in lines):
            return f"stderr is not only error: lines: {err[:200]!r}"
        if name and any(name not in ln for ln in lines):
            return f"an error line does not name {name}: {err[:200]!r}"
        if out.exists() and any(out.rglob("*")):
            return f"left behind: {sorted(p.name for p in out.rglob('*'))}"
    return ""


def check_file(path: Path, mem_gib: float = 4.0, timeout_s: float = 30.0) -> Outcome:
    """Run one corpus file and judge the answer."""
    mem = int(mem_gib * (1 << 30))
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="iads-hardening-") as tmp:
        out = Path(tmp) / "out"
        if path.suffix in (".yaml", ".yml"):
            args = ["run", str(path), "--out", str(out), "-q"]
        else:
            args = ["track", str(path), "--out", str(out / "tracks.csv"), "-q"]
            out.mkdir()
        try:
            proc = _iads(args, mem, timeout_s, tmp)
            stderr = proc.stderr
            problem = _problem(proc, out, path.name)
            if not problem and proc.returncode == 0 and args[0] == "run":
                shown = _iads(["results", str(out)], mem, timeout_s, tmp)
                problem = _problem(shown, out) or (
                    "" if shown.returncode == 0 else "results failed"
                )
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code, problem, stderr = None, f"timeout after {timeout_s:g} s", ""
        if not problem:
            debris = [p.name for p in Path(tmp).rglob("*") if ".tmp-" in p.name]
            problem = f"temporary files left: {debris}" if debris else ""
    return Outcome(path.name, code, time.monotonic() - start, problem, stderr)


def big_scenario(path: Path, n_assets: int, bad_targets: bool = False) -> None:
    """``examples/small.yaml`` with ``n_assets`` assets on a grid; its raids aimed at the last
    and first asset (or, ``bad_targets``, at names that do not exist)."""
    import yaml

    data = yaml.safe_load((Path(__file__).parents[1] / "examples" / "small.yaml").read_text())
    data["assets"] = [
        {
            "name": f"asset-{i}",
            "position": {"lat_deg": -47.4 + (i % 200) * 1e-3, "lon_deg": -32.1 + (i // 200) * 1e-3},
            "value": 1.0 + i % 7,
            "radius_m": 500,
        }
        for i in range(n_assets)
    ]
    for raid, target in zip(data["raids"], (n_assets - 1, 0), strict=False):
        raid["target"] = f"nowhere-{target}" if bad_targets else f"asset-{target}"
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def time_validate(n_assets: int, mem_gib: float, timeout_s: float) -> list[str]:
    """``iads validate`` of a ``n_assets`` scenario, valid and invalid: one line each."""
    out = []
    with tempfile.TemporaryDirectory(prefix="iads-hardening-") as tmp:
        for bad in (False, True):
            f = Path(tmp) / f"assets-{'bad' if bad else 'ok'}.yaml"
            big_scenario(f, n_assets, bad)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            proc = _iads(["validate", str(f)], int(mem_gib * (1 << 30)), timeout_s * 10, tmp)
            wall = time.monotonic() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            rss_mib = after.ru_maxrss / 1024
            first = (proc.stdout or proc.stderr).strip().splitlines()[0][:90]
            out.append(
                f"validate {n_assets:,} assets ({'bad targets' if bad else 'valid'}): "
                f"exit {proc.returncode}, {cpu:.1f} s CPU, {wall:.1f} s wall, "
                f"peak RSS {rss_mib:,.0f} MiB; {first}"
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("--mem-gib", type=float, default=4.0)
    ap.add_argument("--timeout-s", type=float, default=30.0)
    ap.add_argument("--assets", type=int, default=40_000, help="0: skip the validate timing")
    a = ap.parse_args()
    files = sorted(p for p in a.corpus.iterdir() if p.is_file())
    results = [check_file(p, a.mem_gib, a.timeout_s) for p in files]
    for r in results:
        status = "ok  " if not r.problem else "FAIL"
        print(f"{status} exit {r.code!s:>4}  {r.seconds:5.1f} s  {r.file}  {r.problem}")
    codes = {c: sum(1 for r in results if r.code == c and not r.problem) for c in (0, 2)}
    bad = [r for r in results if r.problem]
    slowest = max(results, key=lambda r: r.seconds) if results else None
    print(
        f"{len(results)} files: {codes[0]} exit 0, {codes[2]} exit 2, {len(bad)} failed; "
        f"slowest {slowest.seconds:.1f} s ({slowest.file}); "
        f"cap {a.mem_gib:g} GiB, timeout {a.timeout_s:g} s"
        if slowest
        else "no files"
    )
    if a.assets:
        for line in time_validate(a.assets, a.mem_gib, a.timeout_s):
            print(line)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
