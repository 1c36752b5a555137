"""Speed and memory of the weekly governance digest, the SQL way against the load-everything pandas way.

    .venv/bin/python bench/digest.py [--backend sqlite|postgresql|both] [--employees 20000] [--weeks 104]
                                     [--frictions 50000] [--repeat 3] [--keep DIR]

Per backend it builds the data once (bench/digest_data.py: by default 20,000 employees, two years
of weekly pulses, about 2 million answers, 50,000 frictions), then measures, each time in a fresh
Python process so that the peak memory is that of one digest alone, the wall time and the peak RSS
of (a) bot.digest.compute.compute_digest and (b) bench/digest_pandas.py for the last complete week
of the data. Each is measured --repeat times, alternating, and the median is shown; the peak
(VmHWM on Linux, see peak_rss_bytes) is shown as measured and as the growth over the process
after its imports. It also checks that the two ways agree on the sections both compute, that
(with --backend both) SQLite and PostgreSQL give the same digest, that on PostgreSQL the digest
does not change with the session time zone, and lists the slowest SQL statements of one extra,
instrumented run.

SQLite: a file in a temporary directory (or in --keep DIR, which is then kept). PostgreSQL: a
fresh database created through the admin URL in XGOV_TEST_POSTGRES_URL or the file
.xgov-test-postgres (start the server with scripts/start-postgres as root), dropped afterwards
unless --keep is given. Target: under 5 s and under 1 GB for the SQL way.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0
TARGET_BYTES = 1_000_000_000  # 1 GB
MB = 1_000_000
ADMIN_URL_FILE = ROOT / ".xgov-test-postgres"
ZONE_CHECK = "Europe/Warsaw"  # PostgreSQL session time zone of the extra run that checks zone independence
CHILD_TIMEOUT = 1800


# --- The measured child process -------------------------------------------------------------------------

def peak_rss_bytes() -> int:
    """The peak resident set size of this process so far.

    On Linux, VmHWM of /proc/self/status: ru_maxrss (getrusage) survives execve, so in a child started
    by a large parent it reports the parent's size at the fork whenever that is larger. Elsewhere
    ru_maxrss (kilobytes on Linux, bytes on macOS).
    """
    import resource

    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _child(way: str, url: str, now_text: str, out: str, trace: bool) -> None:
    import gc
    import resource

    from sqlalchemy import event

    from bench.digest_pandas import pandas_digest  # noqa: F401  (both children import the same modules)
    from bot.digest.compute import compute_digest
    from bot.digest.json_format import digest_to_dict
    from bot.digest.period import last_complete_week
    from storage.db import Database

    now = datetime.fromisoformat(now_text)
    period = last_complete_week(now)
    statements: list[tuple[float, str]] = []
    gc.collect()
    baseline = peak_rss_bytes()
    baseline_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    if way == "sql":
        database = Database(url)
        if trace:
            _trace(event, database.engine, statements)
        with database.unit_of_work() as session:
            digest = compute_digest(session, period, now=now)
        database.dispose()
    else:
        digest = pandas_digest(url, period, now=now)
    seconds = time.perf_counter() - started
    peak = peak_rss_bytes()
    Path(out).write_text(json.dumps({
        "way": way, "seconds": seconds, "baseline_bytes": baseline, "peak_bytes": peak,
        "ru_maxrss_bytes": [baseline_maxrss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024],
        "digest": digest_to_dict(digest), "statements": sorted(statements, reverse=True)[:40],
    }))


def _trace(event, engine, statements: list) -> None:
    def before(conn, _cursor, _statement, _parameters, context, _many):
        context._bench_started = time.perf_counter()

    def after(_conn, _cursor, statement, _parameters, context, _many):
        statements.append((time.perf_counter() - context._bench_started, " ".join(statement.split())))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)


def measure(way: str, url: str, now: datetime, *, trace: bool = False) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        command = [sys.executable, str(Path(__file__).resolve()), "--measure", way, "--url", url,
                   "--now", now.isoformat(), "--out", out] + (["--trace"] if trace else [])
        subprocess.run(command, check=True, timeout=CHILD_TIMEOUT, cwd=ROOT)
        return json.loads(Path(out).read_text())
    finally:
        os.unlink(out)


# --- Backends -------------------------------------------------------------------------------------------

def admin_url() -> str:
    url = os.environ.get("XGOV_TEST_POSTGRES_URL", "").strip()
    if not url and ADMIN_URL_FILE.exists():
        url = ADMIN_URL_FILE.read_text().strip()
    if not url:
        raise SystemExit("PostgreSQL not configured: set XGOV_TEST_POSTGRES_URL or run scripts/start-postgres as root")
    return url


class PostgresDatabase:
    def __init__(self, keep: bool) -> None:
        from sqlalchemy import create_engine

        self.keep = keep
        self.name = f"xgov_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
        self.url = admin_url().rsplit("/", 1)[0] + "/" + self.name

    def __enter__(self) -> str:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE \"{self.name}\" ENCODING 'UTF8' TEMPLATE template0"))
        return self.url

    def __exit__(self, *_exc) -> None:
        from sqlalchemy import text

        if self.keep:
            print(f"  kept PostgreSQL database {self.url}")
        else:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def run_backend(backend: str, config, args) -> dict:
    from bench.digest_data import generate, table_counts
    from bench.digest_pandas import shared_differences
    from storage.migrate import upgrade

    print(f"\n== {backend}")
    with _database(backend, args) as url:
        upgrade(url)
        generation = generate(url, config, log=print)
        counts = table_counts(url)
        if any(counts.get(table) != rows for table, rows in generation.rows.items()):
            raise SystemExit(f"row counts differ from what was written: {counts} against {generation.rows}")
        print(f"  generated in {generation.seconds:.1f} s: {counts['survey_answers']:,} answers, "
              f"{counts['survey_responses']:,} responses, {counts['frictions']:,} frictions, "
              f"{counts['friction_reporters']:,} reporters, {counts['people']:,} people, "
              f"{counts['kpi_values']:,} KPI readings")
        runs: dict[str, list[dict]] = {"sql": [], "pandas": []}
        for repetition in range(args.repeat):
            for way in ("sql", "pandas"):
                result = measure(way, url, config.now)
                runs[way].append(result)
                print(f"  run {repetition + 1} {way:6}: {result['seconds']:6.2f} s, peak "
                      f"{result['peak_bytes'] / MB:7.0f} MB (+{(result['peak_bytes'] - result['baseline_bytes']) / MB:.0f})")
        traced = measure("sql", url, config.now, trace=True)
        zone_check = None
        if backend == "postgresql":  # the digest must not depend on the session's time zone
            joiner = "&" if "?" in url else "?"
            zoned = measure("sql", f"{url}{joiner}options=-c%20timezone%3D{ZONE_CHECK.replace('/', '%2F')}", config.now)
            zone_check = _all_differences(runs["sql"][0]["digest"], zoned["digest"])
    sql_digest, pandas_digest = runs["sql"][0]["digest"], runs["pandas"][0]["digest"]
    problems = shared_differences(sql_digest, pandas_digest)
    unstable = [way for way, results in runs.items()
                if any(r["digest"] != results[0]["digest"] for r in results[1:])]
    return {
        "backend": backend, "generation_seconds": generation.seconds, "rows": counts,
        "sql": _summary(runs["sql"]), "pandas": _summary(runs["pandas"]),
        "differences": problems, "unstable": unstable, "digest": sql_digest,
        "slowest_statements": traced["statements"], "zone_check": zone_check,
    }


def _all_differences(first: dict, second: dict) -> list[str]:
    from bench.digest_pandas import differences

    return [line for key in sorted(set(first) | set(second)) if key != "generated_at"
            for line in differences(first.get(key), second.get(key), key)]


def _summary(results: list[dict]) -> dict:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_bytes": statistics.median(r["peak_bytes"] for r in results),
        "growth_bytes": statistics.median(r["peak_bytes"] - r["baseline_bytes"] for r in results),
        "all_seconds": [round(r["seconds"], 3) for r in results],
    }


class _database:
    def __init__(self, backend: str, args) -> None:
        self.backend, self.args = backend, args
        self.temp = None
        self.postgres = None

    def __enter__(self) -> str:
        if self.backend == "postgresql":
            self.postgres = PostgresDatabase(keep=self.args.keep is not None)
            return self.postgres.__enter__()
        if self.args.keep:
            folder = Path(self.args.keep)
            folder.mkdir(parents=True, exist_ok=True)
        else:
            self.temp = tempfile.TemporaryDirectory(prefix="xgov-bench-")
            folder = Path(self.temp.name)
        path = folder / "xgov-bench.db"
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def __exit__(self, *exc) -> None:
        if self.postgres:
            self.postgres.__exit__(*exc)
        if self.temp:
            self.temp.cleanup()


# --- Report ---------------------------------------------------------------------------------------------

def print_report(results: list[dict], config, repeat: int) -> None:
    print(f"\nDigest of {config.now:%Y-%m-%d %H:%M} UTC (the week before), median of {repeat} runs each, "
          f"peak RSS of a fresh process (growth over its imports in brackets)")
    header = (f"{'backend':10} {'answers':>10} {'frictions':>9} {'gen s':>6} | {'SQL s':>6} {'SQL peak MB':>15} | "
              f"{'pandas s':>8} {'pandas peak MB':>15} | {'time x':>6} {'mem x':>6} | target <5 s, <1 GB")
    print(header)
    print("-" * len(header))
    for r in results:
        sql, naive = r["sql"], r["pandas"]
        meets = sql["seconds"] < TARGET_SECONDS and sql["peak_bytes"] < TARGET_BYTES
        print(f"{r['backend']:10} {r['rows']['survey_answers']:>10,} {r['rows']['frictions']:>9,} "
              f"{r['generation_seconds']:>6.1f} | {sql['seconds']:>6.2f} {_mb(sql):>15} | "
              f"{naive['seconds']:>8.2f} {_mb(naive):>15} | {naive['seconds'] / sql['seconds']:>6.1f} "
              f"{naive['peak_bytes'] / sql['peak_bytes']:>6.1f} | "
              f"{'met' if meets else 'MISSED'} (SQL {sql['seconds']:.2f} s, {sql['peak_bytes'] / MB:.0f} MB)")
    print("(time x, mem x: pandas way over SQL way, within one run; memory ratio on the absolute peaks)")
    for r in results:
        print(f"\n{r['backend']}: SQL way against pandas way on {', '.join(_sections())}: ", end="")
        if r["differences"]:
            print(f"{len(r['differences'])} DIFFERENCES")
            for line in r["differences"][:40]:
                print(f"  {line}")
        else:
            print("agree")
        if r["unstable"]:
            print(f"  repeated runs gave different digests: {', '.join(r['unstable'])}")
        if r["zone_check"] is not None:
            print(f"  SQL way with the session time zone {ZONE_CHECK} against UTC: "
                  + (f"{len(r['zone_check'])} DIFFERENCES" if r["zone_check"] else "the same digest"))
            for line in r["zone_check"][:10]:
                print(f"    {line}")
        print("  slowest SQL statements of one traced run of compute_digest (execute only, fetch excluded):")
        for seconds, statement in r["slowest_statements"][:5]:
            print(f"  {seconds:7.3f} s  {statement[:200]}{'...' if len(statement) > 200 else ''}")
    if len(results) == 2:
        first, second = results
        found = _all_differences(first["digest"], second["digest"])
        print(f"\nSQL way on {first['backend']} against {second['backend']}: "
              + ("the same digest" if not found else f"{len(found)} DIFFERENCES"))
        for line in found[:40]:
            print(f"  {line}")


def _sections():
    from bench.digest_pandas import SHARED_SECTIONS

    return SHARED_SECTIONS


def _mb(summary: dict) -> str:
    return f"{summary['peak_bytes'] / MB:.0f} (+{summary['growth_bytes'] / MB:.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--frictions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite file and results.json here (and the PostgreSQL database)")
    parser.add_argument("--measure", choices=("sql", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _child(args.measure, args.url, args.now, args.out, args.trace)
        return 0

    from bench.digest_data import BenchConfig

    options = dict(employees=args.employees, weeks=args.weeks, frictions=args.frictions)
    if args.seed is not None:
        options["seed"] = args.seed
    config = BenchConfig(**options)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    if "postgresql" in backends:
        _check_postgres()
    results = [run_backend(backend, config, args) for backend in backends]
    print_report(results, config, args.repeat)
    if args.keep:
        path = Path(args.keep) / "results.json"
        path.write_text(json.dumps(results, indent=1, default=str))
        print(f"\nresults: {path}")
    failed = any(r["differences"] for r in results) or (
        len(results) == 2 and _all_differences(results[0]["digest"], results[1]["digest"]))
    return 1 if failed else 0


def _check_postgres() -> None:
    """Fail before the long SQLite part when PostgreSQL cannot be reached."""
    from sqlalchemy import create_engine

    engine = create_engine(admin_url())
    try:
        with engine.connect():
            pass
    except Exception as problem:  # noqa: BLE001 - any failure to connect means: not reachable
        raise SystemExit(f"PostgreSQL at {admin_url()} is not reachable ({type(problem).__name__}); "
                         "start it with scripts/start-postgres (as root)") from None
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
