"""Seeded mutation fuzzer: fresh hostile inputs of every class of issue 15, through the real CLI.

Each case is a few files written into its own temporary folder (scenario YAML mutated from
``examples/``, detection, track and truth files as CSV or Parquet, results stores) and the
``iads`` commands that read them (validate, run, coverage, track, score-tracks, results,
report). Every command runs in its own process under ``RLIMIT_AS`` (4 GiB) and is judged by
the bar of the issue: exit 0 or 2, at most ``--cpu-s`` (30) seconds of CPU, stderr holding only
``error:`` lines (no ``Traceback``, no ``Warning``), and after exit 2 nothing left behind (the
output it was asked for absent, no ``.tmp-`` files anywhere in the folder). The wall-clock
timeout is a multiple of the CPU bar because the machine is shared (load is printed).

    python benchmarks/fuzz.py [--seed 1] [--cases 300] [--kinds yaml,plots,tracks,stores]
        [--keep DIR]  # copy every failing case there

Prints one line per failure and a summary per input class.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SMALL = ROOT / "examples" / "small.yaml"

ODD_TEXT = [
    "[/]", "[bold red]x[/]", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "a\nb", "\r", "\u202eevil",
    "", " ", "\x00", "x" * 5000, "é" * 10, "\ud7ff", "1e3", "true", "null", "-", "*", "&a",
    "{{x}}", "%s%n", "../../etc/passwd", "\t", "\u2028", "🚀",
]  # fmt: skip
ODD_NUMBERS = [
    0, -1, -0.0, 1e-300, 1e-9, 1e308, -1e308, 2**63, 2**64, -(2**63) - 1, 10**30, 10**400,
    math.nan, math.inf, -math.inf, 0.5, 3, 7 * 86_400 + 1, 2_000_001,
]  # fmt: skip
ODD_VALUES = [True, False, None, [], {}, [1, 2], {"a": 1}, "5", "1e3", "0x10", "2024-01-01"]


@dataclass
class Case:
    """One fuzz case: files to write and commands to run (``{d}`` is the case's folder)."""

    kind: str
    label: str
    files: dict[str, bytes] = field(default_factory=dict)
    commands: list[list[str]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # paths a failing command must not leave
    chain: bool = True  # later commands read what earlier ones wrote: stop at a failure


@dataclass
class Verdict:
    """How one command of a case ended."""

    case: Case
    argv: list[str]
    code: int | None
    cpu_s: float
    wall_s: float
    problem: str


# ---------------------------------------------------------------- YAML scenarios


def _paths(node, prefix=()):
    """Every path into a YAML data tree (dict keys and list indices)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(node, path):
    for p in path:
        node = node[p]
    return node


def _set(data, path, value):
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _base_scenario(rng: random.Random) -> tuple[dict, str]:
    src = rng.choice(EXAMPLES + [SMALL] * len(EXAMPLES))  # small.yaml half the time: it runs
    data = yaml.safe_load(src.read_text())
    return data, src.name


def _mutate_data(rng: random.Random, data: dict) -> tuple[dict, str]:
    """One structural mutation of a scenario's data tree."""
    paths = _paths(data)
    path = rng.choice(paths[1:])
    op = rng.choice(["flip", "number", "text", "delete", "duplicate", "empty", "odd_key",
                     "name_markup", "huge_list", "nest"])  # fmt: skip
    target = _get(data, path)
    if op == "flip":
        data = _set(data, path, rng.choice(ODD_VALUES + ODD_NUMBERS[:4]))
    elif op == "number":
        numeric = [p for p in paths if isinstance(_get(data, p), int | float)]
        path = rng.choice(numeric or [path])
        data = _set(data, path, rng.choice(ODD_NUMBERS))
    elif op == "text":
        texts = [p for p in paths if isinstance(_get(data, p), str)]
        path = rng.choice(texts or [path])
        data = _set(data, path, rng.choice(ODD_TEXT))
    elif op == "name_markup":
        names = [p for p in paths if p and p[-1] == "name"]
        for p in rng.sample(names, min(len(names), 3)):
            data = _set(data, p, rng.choice(ODD_TEXT[:8] + ["[/]"]))
    elif op == "delete":
        parent = _get(data, path[:-1])
        del parent[path[-1]]
    elif op == "duplicate":
        lists = [p for p in paths if isinstance(_get(data, p), list) and _get(data, p)]
        if lists:
            p = rng.choice(lists)
            _get(data, p).append(copy.deepcopy(_get(data, p)[0]))
    elif op == "empty":
        lists = [p for p in paths if isinstance(_get(data, p), list | dict)]
        p = rng.choice(lists)
        data = _set(data, p, type(_get(data, p))())
    elif op == "odd_key":
        dicts = [p for p in paths if isinstance(_get(data, p), dict)]
        p = rng.choice(dicts)
        _get(data, p)[rng.choice(["", "\u202e", "x\ny", "[/]", 123, True, None, "__class__"])] = 1
    elif op == "huge_list":
        lists = [p for p in paths if isinstance(_get(data, p), list) and _get(data, p)]
        if lists:
            p = rng.choice(lists)
            item = _get(data, p)[0]
            _set(data, p, [copy.deepcopy(item) for _ in range(rng.choice([200, 2000]))])
    elif op == "nest":
        deep: object = target
        for _ in range(rng.choice([10, 63, 65, 200])):
            deep = [deep]
        data = _set(data, path, deep)
    return data, f"{op}@{'.'.join(map(str, path))[:60]}"


def _text_mutation(rng: random.Random, text: str) -> tuple[bytes, str]:
    """A mutation of the YAML text itself: aliases, tags, control bytes, truncation."""
    op = rng.choice(["alias_bomb", "self_alias", "deep", "tag", "control", "bad_utf8",
                     "truncate", "dup_line", "tab", "anchor_merge", "bom", "multi_doc"])  # fmt: skip
    lines = text.splitlines(keepends=True)
    k = rng.randrange(len(lines))
    if op == "alias_bomb":
        levels = rng.choice([6, 7, 9, 12])
        bomb = "x0: &x0 [a, a, a, a, a, a, a, a, a]\n" + "".join(
            f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n" for i in range(1, levels)
        )
        return (bomb + text).encode(), f"{op}{levels}"
    if op == "self_alias":
        return (text + rng.choice(["z: &z [*z]\n", "z: &z {a: *z}\n"])).encode(), op
    if op == "deep":
        n = rng.choice([65, 1000, 100_000])
        return (text + "deep: " + "[" * n + "]" * n + "\n").encode(), f"{op}{n}"
    if op == "tag":
        tag = rng.choice(["!!python/object/apply:os.system ['true']", "!!int abc", "!!binary x",
                          "!!timestamp nope", "!!set {a: 1}", "!custom x", "!!float 1e999",
                          "!!bool maybe", "!!str", "!!omap [a]"])  # fmt: skip
        lines.insert(k, f"tagged: {tag}\n")
        return "".join(lines).encode(), f"{op}:{tag.split()[0]}"
    if op == "control":
        ch = rng.choice(["\x00", "\x1b", "\x07", "\x7f", "\ufffe", "\x85"])
        pos = rng.randrange(len(text))
        return (text[:pos] + ch + text[pos:]).encode("utf-8", "surrogatepass"), f"{op}{ord(ch):x}"
    if op == "bad_utf8":
        raw = text.encode()
        pos = rng.randrange(len(raw))
        return raw[:pos] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"]) + raw[pos:], op
    if op == "truncate":
        raw = text.encode()
        return raw[: rng.randrange(len(raw))], op
    if op == "dup_line":
        lines.insert(k, lines[k])
        return "".join(lines).encode(), op
    if op == "tab":
        lines[k] = "\t" + lines[k]
        return "".join(lines).encode(), op
    if op == "anchor_merge":
        return (text + "extra: &e {a: 1}\nmore:\n  <<: *e\n  b: 2\n").encode(), op
    if op == "bom":
        return ("\ufeff" + text).encode(), op
    return (text + "---\nname: second\n").encode(), op


def _runnable(data: object) -> bool:
    """A cheap run: the fuzzer's own guess, from numbers it can read (never trusted for the
    verdict, which is the CLI's)."""
    if not isinstance(data, dict):
        return False
    d, t = data.get("duration_s"), data.get("tick_s", 0.1)
    ok = isinstance(d, int | float) and isinstance(t, int | float) and not isinstance(d, bool)
    return ok and 0 < d <= 120 and t >= 0.1 and d / t <= 1500


def yaml_case(rng: random.Random) -> Case:
    data, src = _base_scenario(rng)
    data["duration_s"] = min(float(data.get("duration_s", 100)), rng.choice([30.0, 60.0, 120.0]))
    data["tick_s"] = 0.5
    labels = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        data, label = _mutate_data(rng, data)
        labels.append(label)
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=rng.random() < 0.5)
    except (yaml.YAMLError, RecursionError):
        text = yaml.safe_dump({"name": "x"})
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.35:
        raw, label = _text_mutation(rng, text)
        labels.append(label)
    case = Case("yaml", f"{src}: {' + '.join(labels)}", {"s.yaml": raw})
    case.commands.append(["validate", "{d}/s.yaml"])
    if src == "small.yaml" and _runnable(data) and rng.random() < 0.5:
        case.commands.append(["run", "{d}/s.yaml", "--out", "{d}/run", "-q"])
        case.commands.append(["results", "{d}/run"])
        case.outputs.append("run")
    elif rng.random() < 0.25:
        case.commands.append(["coverage", "{d}/s.yaml", "--out", "{d}/cov", "--no-html"])
        case.outputs.append("cov")
    return case


# ---------------------------------------------------------------- plot, track and truth files

PLOT_COLUMNS = ["time_s", "range_m", "azimuth_deg", "elevation_deg", "sensor_id"]
STATE = ["x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps"]


def _plots(rng: random.Random) -> tuple[list[str], list[list[object]]]:
    rows = []
    for scan in range(rng.randint(3, 30)):
        for tgt in range(rng.randint(1, 4)):
            rows.append([scan * 1.0, 10_000 + 100 * scan + 5_000 * tgt, 45.0 + 30 * tgt, 2.0, 0])
    return list(PLOT_COLUMNS), rows


def _states(rng: random.Random, id_col: str) -> tuple[list[str], list[list[object]]]:
    rows = []
    n = rng.randint(1, 4)
    for t in range(rng.randint(2, 20)):
        for i in range(n):
            rows.append([float(t), i, 1000.0 * i + 200 * t, 500.0, 1000.0, 200.0, 0.0, 0.0])
    return ["time_s", id_col, *STATE], rows


def _mutate_table(rng: random.Random, cols: list[str], rows: list[list[object]]):
    """One mutation of a table: odd cells, columns, sizes."""
    op = rng.choice(["cell", "cell", "dup_col", "drop_col", "rename_col", "ragged", "huge_time",
                     "big_id", "timestamp", "nan", "empty", "header_only", "one_scan_many",
                     "one_time_many", "negative", "text_col", "float_id"])  # fmt: skip
    cols, rows = list(cols), [list(r) for r in rows]
    if op == "cell" and rows:
        r, c = rng.randrange(len(rows)), rng.randrange(len(cols))
        rows[r][c] = rng.choice(ODD_NUMBERS + ODD_TEXT[:6] + ["", "1e308", "2024-01-01T00:00:00"])
    elif op == "dup_col":
        c = rng.randrange(len(cols))
        cols.append(cols[c])
        for r in rows:
            r.append(r[c])
    elif op == "drop_col":
        c = rng.randrange(len(cols))
        del cols[c]
        for r in rows:
            del r[c]
    elif op == "rename_col":
        cols[rng.randrange(len(cols))] = rng.choice(["", "Time_S", "time_s ", "\ufefftime_s", "x"])
    elif op == "ragged" and rows:
        r = rng.randrange(len(rows))
        rows[r] = rows[r][: rng.randrange(len(rows[r]))] or rows[r] + [1, 2]
    elif op == "huge_time" and rows:
        v = rng.choice([1e308, 9.3e12, 1e10 + 1, -1e12, 2**63])
        for r in rng.sample(rows, min(3, len(rows))):
            r[0] = v
    elif op == "big_id" and rows and len(cols) > 1:
        c = next((i for i, n in enumerate(cols) if n.endswith("_id")), 1)
        rows[0][c] = rng.choice([2**63, 2**64 + 1, -(2**63) - 5, 2**53 + 1, 10**30])
    elif op == "timestamp":
        for k, r in enumerate(rows):
            r[0] = f"2024-01-01T00:00:{k % 60:02d}Z"
    elif op == "nan" and rows:
        rows[rng.randrange(len(rows))][rng.randrange(len(cols))] = rng.choice(["nan", "inf", ""])
    elif op == "empty":
        cols, rows = [], []
    elif op == "header_only":
        rows = []
    elif op == "one_scan_many" and rows:
        n = rng.choice([5_001, 20_000, 50_000])
        rows = [[0.0, 1000.0 + i, (i * 0.007) % 360, 1.0, 0][: len(cols)] for i in range(n)]
    elif op == "one_time_many" and rows:
        n = rng.choice([5_001, 20_000])
        rows = [[0.0, i, *[float(i)] * (len(cols) - 2)] for i in range(n)]
    elif op == "negative" and rows:
        rows[0][rng.randrange(len(cols))] = -1e9
    elif op == "text_col" and rows:
        c = rng.randrange(len(cols))
        for r in rows:
            if c < len(r):
                r[c] = "abc"
    elif op == "float_id" and rows and len(cols) > 1:
        rows[0][1] = 1.5
    return cols, rows, op


def _csv(rng: random.Random, cols, rows) -> bytes:
    sep = "," if rng.random() < 0.9 else rng.choice([";", "\t"])
    text = sep.join(map(str, cols)) + "\n" + "".join(sep.join(map(str, r)) + "\n" for r in rows)
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        pos = rng.randrange(len(raw) or 1)
        raw = raw[:pos] + rng.choice([b"\xff\xfe", b"\x00", b'"', b"\r"]) + raw[pos:]
    if rng.random() < 0.05:
        raw = b"\xef\xbb\xbf" + raw
    return raw


def _parquet(rng: random.Random, cols, rows) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, names = [], []
    for c, name in enumerate(cols):
        values = [r[c] if c < len(r) else None for r in rows]
        style = rng.random()
        try:
            if style < 0.1 and name == "time_s":
                arr = pa.array([int(1.7e18 + 1e9 * k) for k in range(len(values))],
                               pa.timestamp("ns"))  # fmt: skip
            elif style < 0.15:
                arr = pa.array([str(v) for v in values])
            elif style < 0.2:
                arr = pa.array([min(max(int(v), 0), 2**64 - 1) if isinstance(v, int | float)
                                and math.isfinite(v) else 0 for v in values], pa.uint64())  # fmt: skip
            elif style < 0.23:
                arr = pa.array([[v] for v in values])  # a list column
            else:
                arr = pa.array([v if isinstance(v, int | float) and abs(v) < 2**63 else None
                                for v in values], pa.float64())  # fmt: skip
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, ValueError, TypeError):
            arr = pa.array([str(v) for v in values])
        arrays.append(arr)
        names.append(str(name))
    table = pa.Table.from_arrays(arrays, names=names) if arrays else pa.table({})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    raw = buf.getvalue()
    if rng.random() < 0.1:
        raw = raw[: rng.randrange(len(raw))]
    return raw


def _table_file(rng: random.Random, cols, rows) -> tuple[str, bytes]:
    if rng.random() < 0.3:
        return "parquet", _parquet(rng, cols, rows)
    return "csv", _csv(rng, cols, rows)


def plots_case(rng: random.Random) -> Case:
    cols, rows = _plots(rng)
    cols, rows, op = _mutate_table(rng, cols, rows)
    ext, raw = _table_file(rng, cols, rows)
    out_ext = rng.choice(["csv", "parquet"])
    case = Case("plots", f"{op} ({ext})", {f"plots.{ext}": raw})
    case.commands.append(["track", f"{{d}}/plots.{ext}", "--out", f"{{d}}/tracks.{out_ext}", "-q"])
    case.outputs.append(f"tracks.{out_ext}")
    return case


def tracks_case(rng: random.Random) -> Case:
    tcols, trows = _states(rng, "target_id")
    kcols, krows = _states(rng, "track_id")
    which = rng.choice(["truth", "tracks", "both"])
    ops = []
    if which in ("truth", "both"):
        tcols, trows, op = _mutate_table(rng, tcols, trows)
        ops.append(f"truth:{op}")
    if which in ("tracks", "both"):
        kcols, krows, op = _mutate_table(rng, kcols, krows)
        ops.append(f"tracks:{op}")
    te, traw = _table_file(rng, tcols, trows)
    ke, kraw = _table_file(rng, kcols, krows)
    case = Case(
        "tracks", f"{' + '.join(ops)} ({te}/{ke})", {f"truth.{te}": traw, f"trk.{ke}": kraw}
    )
    cmd = ["score-tracks", f"{{d}}/truth.{te}", f"{{d}}/trk.{ke}"]
    if rng.random() < 0.3:
        cmd += ["--per-scan", "{d}/per_scan.csv"]
        case.outputs.append("per_scan.csv")
    case.commands.append(cmd)
    return case


# ---------------------------------------------------------------- results stores


def _good_store(cache: Path) -> Path:
    """A small run's results.duckdb, made once per fuzz session."""
    store = cache / "good" / "results.duckdb"
    if not store.exists():
        scenario = cache / "small.yaml"
        data = yaml.safe_load(SMALL.read_text())
        data.update(duration_s=40.0, tick_s=0.5)
        scenario.write_text(yaml.safe_dump(data))
        subprocess.run([sys.executable, "-m", "iads.cli", "run", str(scenario), "--out",
                        str(store.parent), "-q"], check=True, timeout=600)  # fmt: skip
    return store


def store_case(rng: random.Random, good: Path) -> Case:
    import duckdb

    raw = good.read_bytes()
    op = rng.choice(["zero", "truncate", "flip", "sqlite", "odd_table", "view", "drop_table",
                     "retype", "garbage", "dir", "huge_rows", "text_in_numbers"])  # fmt: skip
    case = Case("stores", op, chain=False)
    files: dict[str, bytes] = {}
    if op == "zero":
        files["run/results.duckdb"] = b""
    elif op == "truncate":
        files["run/results.duckdb"] = raw[: rng.randrange(len(raw))]
    elif op == "flip":
        b = bytearray(raw)
        for _ in range(rng.choice([1, 10, 1000])):
            b[rng.randrange(len(b))] = rng.randrange(256)
        files["run/results.duckdb"] = bytes(b)
    elif op == "garbage":
        files["run/results.duckdb"] = b"DUCK" + rng.randbytes(rng.choice([100, 10_000]))
    elif op == "sqlite":
        import sqlite3

        with tempfile.TemporaryDirectory() as tmp:
            con = sqlite3.connect(Path(tmp) / "x.db")
            con.execute("create table threats (name text, fate text)")
            con.execute("insert into threats values ('[/]', 'killed')")
            con.commit()
            con.close()
            files["run/results.duckdb"] = (Path(tmp) / "x.db").read_bytes()
    elif op != "dir":
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "results.duckdb"
            db.write_bytes(raw)
            con = duckdb.connect(str(db))
            tables = [r[0] for r in con.execute("select table_name from information_schema.tables"
                                                " where table_schema = 'main'").fetchall()]  # fmt: skip
            t = rng.choice(tables)
            try:
                if op == "odd_table":
                    name = rng.choice(["./../escaped", 'a"b', "x/y", "\x1b[31m", "[/]", ""])
                    con.execute(f'create table "{name.replace(chr(34), chr(34) * 2)}" (x int)')
                elif op == "view":
                    con.execute(f'drop table "{t}"')
                    con.execute(f"create view \"{t}\" as select * from read_csv('/etc/passwd')")
                elif op == "drop_table":
                    con.execute(f'drop table "{t}"')
                elif op == "retype":
                    con.execute(f'drop table "{t}"')
                    con.execute(f'create table "{t}" (x varchar)')
                    con.execute(f"insert into \"{t}\" values ('\x1b[2J'), ('[/]')")
                elif op == "huge_rows":
                    cols = con.execute(f'select * from "{t}" limit 0').description
                    con.execute(f'delete from "{t}"')
                    con.execute(f'insert into "{t}" select * from "{t}"')  # keeps it empty
                    del cols
                elif op == "text_in_numbers":
                    cols = con.execute(f'select * from "{t}" limit 0').description
                    if cols:
                        c = cols[0][0]
                        con.execute(f'alter table "{t}" alter "{c}" type varchar')
                        con.execute(f'update "{t}" set "{c}" = \'nan[/]\'')
            except duckdb.Error:
                pass
            con.close()
            files["run/results.duckdb"] = db.read_bytes()
    case.files = files
    if op == "dir":
        case.files["run/results.duckdb/x"] = b""
    case.label = f"{op}"
    case.commands.append(["results", "{d}/run"])
    case.commands.append(["results", "{d}/run", "--parquet", "{d}/export"])
    case.outputs.append("export")
    if rng.random() < 0.3:
        case.commands.append(["report", "{d}/run", "--out", "{d}/report.html"])
        case.outputs.append("report.html")
    return case


# ---------------------------------------------------------------- running and judging


def _limit(mem_bytes: int, cpu_s: float):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        soft = int(cpu_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 5))

    return apply


def judge(proc_code: int | None, err: str, cpu_s: float, cpu_cap: float) -> str:
    """The bar for one command: '' when it passes, else what is wrong."""
    if proc_code is None:
        return "wall-clock timeout"
    if cpu_s > cpu_cap:
        return f"{cpu_s:.1f} s CPU"
    if proc_code not in (0, 2):
        tail = err.strip().splitlines()[-1][:200] if err.strip() else ""
        return f"exit {proc_code}: {tail}"
    if "Traceback" in err:
        return "traceback: " + err.strip().splitlines()[-1][:200]
    if "Warning" in err:
        return "warning: " + next(ln for ln in err.splitlines() if "Warning" in ln)[:200]
    bad = [ln for ln in err.splitlines() if not ln.startswith("error: ")]
    if bad:
        return f"stderr line not an error: line: {bad[0][:200]!r}"
    if proc_code == 2 and not err.strip():
        return "exit 2 without an error: line"
    return ""


def run_case(case: Case, mem_gib: float, cpu_cap: float, wall_factor: float) -> list[Verdict]:
    out: list[Verdict] = []
    with tempfile.TemporaryDirectory(prefix="iads-fuzz-") as tmp:
        d = Path(tmp)
        for name, raw in case.files.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(raw)
        env = {**os.environ, "PYTHONWARNINGS": "default", "COLUMNS": "100"}
        env.pop("IADS_DEBUG", None)
        for cmd in case.commands:
            argv = [a.replace("{d}", tmp) for a in cmd]
            before = {p for p in d.rglob("*")}
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            try:
                proc = subprocess.run(
                    [sys.executable, "-m", "iads.cli", *argv], capture_output=True, text=True,
                    errors="replace", timeout=cpu_cap * wall_factor, cwd=tmp, env=env,
                    preexec_fn=_limit(int(mem_gib * (1 << 30)), cpu_cap), stdin=subprocess.DEVNULL,
                )  # fmt: skip
                code, err = proc.returncode, proc.stderr
            except subprocess.TimeoutExpired:
                code, err = None, ""
            wall = time.monotonic() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            if code is not None and code < 0 and -code == 24:  # SIGXCPU from RLIMIT_CPU
                code = None
                err = ""
                problem = f"CPU limit ({cpu_cap:g} s)"
            else:
                problem = judge(code, err, cpu, cpu_cap)
            debris = [p for p in d.rglob("*") if ".tmp-" in p.name]
            if not problem and debris:
                problem = f"temporary files left: {[p.name for p in debris][:3]}"
            if not problem and code == 2:
                left = [o for o in case.outputs if (d / o).exists() and (d / o) not in before
                        and not (argv[0] == "results" and o == "run")]  # fmt: skip
                left = [o for o in left if o in " ".join(argv)]
                if left:
                    problem = f"left behind after exit 2: {left}"
            out.append(Verdict(case, argv, code, cpu, wall, problem))
            if code != 0 and case.chain:
                break  # the commands after it read what it would have written
    return out


def make_case(rng: random.Random, kind: str, good: Path | None) -> Case:
    if kind == "yaml":
        return yaml_case(rng)
    if kind == "plots":
        return plots_case(rng)
    if kind == "tracks":
        return tracks_case(rng)
    return store_case(rng, good)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--kinds", default="yaml,plots,tracks,stores")
    ap.add_argument("--mem-gib", type=float, default=4.0)
    ap.add_argument("--cpu-s", type=float, default=30.0)
    ap.add_argument("--wall-factor", type=float, default=4.0, help="wall timeout / CPU bar")
    ap.add_argument("--keep", type=Path, help="copy the files of failing cases here")
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    rng = random.Random(a.seed)
    weights = {"yaml": 5, "plots": 2, "tracks": 2, "stores": 2}
    good = None
    cache = Path(tempfile.mkdtemp(prefix="iads-fuzz-base-"))
    try:
        if "stores" in kinds:
            good = _good_store(cache)
        verdicts: list[Verdict] = []
        t0 = time.monotonic()
        for k in range(a.cases):
            kind = rng.choices(kinds, [weights[x] for x in kinds])[0]
            case = make_case(random.Random(rng.getrandbits(64)), kind, good)
            vs = run_case(case, a.mem_gib, a.cpu_s, a.wall_factor)
            verdicts += vs
            for v in vs:
                if v.problem:
                    print(f"FAIL case {k} [{case.kind}] {case.label[:90]!r}: iads {v.argv[0]}: "
                          f"{v.problem}", flush=True)  # fmt: skip
                    if a.keep:
                        dest = a.keep / f"case{k:04d}-{case.kind}"
                        dest.mkdir(parents=True, exist_ok=True)
                        for name, raw in case.files.items():
                            (dest / name.replace("/", "_")).write_bytes(raw)
                        (dest / "commands.txt").write_text(
                            "\n".join(" ".join(c) for c in case.commands) + "\n"
                        )
        elapsed = time.monotonic() - t0
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    by_kind: dict[str, Counter] = {}
    for v in verdicts:
        c = by_kind.setdefault(v.case.kind, Counter())
        c["commands"] += 1
        c[f"exit {v.code}"] += 1
        c["failed"] += bool(v.problem)
    cases_by_kind = Counter()
    seen = set()
    for v in verdicts:
        if id(v.case) not in seen:
            seen.add(id(v.case))
            cases_by_kind[v.case.kind] += 1
    for kind, c in sorted(by_kind.items()):
        codes = ", ".join(f"{n} {key}" for key, n in sorted(c.items()) if key.startswith("exit"))
        print(f"{kind:7s} {cases_by_kind[kind]:4d} cases, {c['commands']:4d} commands: {codes}; "
              f"{c['failed']} failed")  # fmt: skip
    failed = sum(bool(v.problem) for v in verdicts)
    slowest = max(verdicts, key=lambda v: v.cpu_s, default=None)
    print(
        f"seed {a.seed}: {len(seen)} cases, {len(verdicts)} commands, {failed} failed; "
        f"slowest {slowest.cpu_s:.1f} s CPU / {slowest.wall_s:.1f} s wall (iads {slowest.argv[0]}); "
        f"cap {a.mem_gib:g} GiB, {a.cpu_s:g} s CPU; {elapsed:.0f} s in all; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
