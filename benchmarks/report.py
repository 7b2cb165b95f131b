"""`python -m benchmarks.report [JSON] [--rerun JSON ...] [--out PATH]`: the table of `make bench`.

Reads the pytest-benchmark JSON (default benchmarks/.data/last.json), prints one row per item
(1x median, 100x median, ratio 100x/1x, the issue's target at 100x, met?), the dashboard run
against the bare aggregate, the browser-perceived speed, the peak memory of the app at 100x
and the machine; writes the same as Markdown to benchmarks/results.md, followed by the
hand-written findings of benchmarks/notes.md. ``--rerun`` files (pytest-benchmark JSON of
some benchmarks run again after a fix) replace the benchmarks of the same name; the report
lists them.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / ".data" / "last.json"
DEFAULT_OUT = HERE / "results.md"
NOTES = HERE / "notes.md"
SCALES = ("1x", "100x")
MAX_RATIO = 20.0          # 100x data costs under 20x the time of 1x
FLOOR_RATIO = 3.0         # the dashboard run within 3x of the bare aggregate
MEMORY_TARGET_MB = 1536   # peak memory of the app at 100x under 1.5 GB


def _scale_of(bench: dict) -> str | None:
    extra = bench.get("extra_info") or {}
    if extra.get("scale") in SCALES:
        return extra["scale"]
    params = bench.get("params") or {}
    for value in params.values():
        if str(value) in SCALES:
            return str(value)
    m = re.search(r"\[(?:.*-)?(1x|100x)(?:-.*)?\]", bench.get("name", ""))
    return m.group(1) if m else None


def _item_of(bench: dict) -> str:
    """The report row: the benchmark's own label, else its name without the scale."""
    extra = bench.get("extra_info") or {}
    if extra.get("item"):
        return extra["item"]
    name = bench.get("name", "?")
    base, _, rest = name.partition("[")
    parts = [p for p in rest.rstrip("]").split("-") if p and p not in SCALES]
    return base + (f" [{'-'.join(parts)}]" if parts else "")


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def collect(data: dict) -> tuple[dict, dict]:
    """{item: {scale: bench}} and the benchmarks with no scale (item -> bench)."""
    rows: dict[str, dict[str, dict]] = defaultdict(dict)
    loose: dict[str, dict] = {}
    for b in data.get("benchmarks", []):
        scale = _scale_of(b)
        if scale is None:
            loose[_item_of(b)] = b
        else:
            rows[_item_of(b)][scale] = b
    return rows, loose


def _median(b: dict | None) -> float | None:
    return None if b is None else b["stats"]["median"]


def item_rows(rows: dict) -> list[dict]:
    out = []
    for item, by_scale in rows.items():
        m1, m100 = _median(by_scale.get("1x")), _median(by_scale.get("100x"))
        extra = {}
        for b in by_scale.values():
            extra.update(b.get("extra_info") or {})
        target = extra.get("target_s")
        ratio = m100 / m1 if m1 and m100 is not None else None
        checks = []
        if ratio is not None:
            checks.append(ratio < MAX_RATIO)
        if target is not None and m100 is not None:
            checks.append(m100 < target)
        met = None if not checks else all(checks)
        out.append({"item": item, "m1": m1, "m100": m100, "ratio": ratio, "target": target,
                    "met": met, "extra": extra,
                    "rounds": {s: b["stats"]["rounds"] for s, b in by_scale.items()}})
    return out


def floor_rows(rows: dict) -> list[dict]:
    """The dashboard page run against the bare aggregate, per pair (all campuses, one campus)."""
    pairs: dict[str, dict[str, dict]] = defaultdict(dict)
    for item, by_scale in rows.items():
        for b in by_scale.values():
            extra = b.get("extra_info") or {}
            if extra.get("pair") and extra.get("role"):
                pairs[extra["pair"]].setdefault(extra["role"], {})[_scale_of(b)] = b
    out = []
    for pair, roles in sorted(pairs.items()):
        for scale in SCALES:
            run = _median(roles.get("run", {}).get(scale))
            floor = _median(roles.get("floor", {}).get(scale))
            if run is None or floor is None:
                continue
            out.append({"pair": pair, "scale": scale, "run": run, "floor": floor,
                        "ratio": run / floor, "met": run / floor <= FLOOR_RATIO
                        if scale == "100x" else None})
    return out


def memory(rows: dict) -> list[tuple[str, float]]:
    found = []
    for by_scale in rows.values():
        for scale, b in by_scale.items():
            mb = (b.get("extra_info") or {}).get("peak_rss_mb")
            if mb:
                found.append((f"{(b['extra_info'].get('memory_of') or 'app')} ({scale})", mb))
    return found


def _yes(met: bool | None) -> str:
    return "–" if met is None else ("yes" if met else "**NO**")


def render(data: dict) -> str:
    rows, loose = collect(data)
    items = item_rows(rows)
    env = data.get("ecomm") or {}
    mi = data.get("machine_info") or {}
    lines = ["# Benchmarks: speed at 1x and 100x", "",
             "Made by `make bench` (pytest-benchmark, then `python -m benchmarks.report`); "
             "medians. 1x is the demo data set at 1,500 licenses, 100x at 150,000 licenses "
             "(250,000 contacts), both from `python -m ecomm init --demo --licenses N`.", ""]
    lines += ["## Machine", "",
              f"- CPU: {env.get('cpu_model') or mi.get('cpu', {}).get('brand_raw', '?')}, "
              f"{env.get('cores') or '?'} cores; RAM {env.get('ram_gb') or '?'} GB",
              f"- Python {env.get('python') or mi.get('python_version', '?')}, "
              f"DuckDB {env.get('duckdb', '?')}",
              f"- Run at {data.get('datetime', '?')}; load average (1, 5, 15 min) at start "
              f"{_load(env.get('load_at_start'))}, at end {_load(env.get('load_at_end'))}"]
    for r in data.get("reruns", []):
        lines.append(f"- Run again after a fix (or added after the full run), at {r['datetime']} (load at start "
                     f"{_load(r.get('load_at_start'))}): "
                     + ", ".join(f"`{n.split('::')[-1]}`" for n in r["names"]))
    demos = env.get("demos") or {}
    for scale in SCALES:
        if scale in demos:
            d = demos[scale]
            lines.append(f"- Demo {scale}: {d['licenses']:,} licenses as of {d['as_of']}; "
                         f"`init --demo` took {d.get('init_seconds', '?')} s when it was made")
    lines += ["", "## Items", "",
              "| item | 1x median | 100x median | 100x/1x | target at 100x | met? |",
              "|---|---:|---:|---:|---:|:---:|"]
    for r in sorted(items, key=lambda r: r["item"]):
        target = f"< {fmt_time(r['target'])}" if r["target"] is not None else "–"
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] is not None else "–"
        lines.append(f"| {r['item']} | {fmt_time(r['m1'])} | {fmt_time(r['m100'])} | {ratio} | "
                     f"{target} | {_yes(r['met'])} |")
    for item, b in sorted(loose.items()):
        lines.append(f"| {item} (no scale) | – | {fmt_time(_median(b))} | – | – | – |")
    lines += ["", f"Every item must also cost under {MAX_RATIO:.0f}x at 100x what it costs at "
              "1x (the ratio column); `met?` checks both.", ""]
    floors = floor_rows(rows)
    if floors:
        lines += ["## Dashboard page run against the bare aggregate", "",
                  "| filter | scale | page run | bare aggregate | ratio | within 3x? |",
                  "|---|---|---:|---:|---:|:---:|"]
        for f in floors:
            lines.append(f"| {f['pair'].removeprefix('dashboard-')} | {f['scale']} | "
                         f"{fmt_time(f['run'])} | {fmt_time(f['floor'])} | {f['ratio']:.1f}x | "
                         f"{_yes(f['met'])} |")
        lines.append("")
    mem = memory(rows)
    lines += ["## Peak memory", ""]
    if mem:
        for what, mb in mem:
            lines.append(f"- {what}: {mb:,.0f} MB peak resident memory (target under "
                         f"{MEMORY_TARGET_MB:,} MB: {_yes(mb < MEMORY_TARGET_MB)})")
    else:
        lines.append("- not measured in this run (the browser benchmark measures it)")
    bench_rss = env.get("bench_process_peak_rss_mb")
    if bench_rss:
        lines.append(f"- the benchmark process itself (every store and AppTest at both scales): "
                     f"{bench_rss:,.0f} MB")
    lines.append("")
    from benchmarks import pages   # every page in chromium (python -m benchmarks.pages)
    section = pages.render(pages.load_results())
    if section:
        lines.append(section)
    if NOTES.exists():
        lines += [NOTES.read_text().strip(), ""]
    return "\n".join(lines)


def merge(data: dict, rerun: dict) -> dict:
    """``data`` with the benchmarks of ``rerun`` in place of those of the same name."""
    again = {b["fullname"]: b for b in rerun.get("benchmarks", [])}
    out = dict(data)
    out["benchmarks"] = [again.pop(b["fullname"], b) for b in data.get("benchmarks", [])]
    out["benchmarks"] += list(again.values())
    out["reruns"] = [*data.get("reruns", []), {
        "datetime": rerun.get("datetime"), "names": sorted(b["fullname"] for b in rerun.get("benchmarks", [])),
        "load_at_start": (rerun.get("ecomm") or {}).get("load_at_start")}]
    return out


def _load(value) -> str:
    return "?" if not value else ", ".join(f"{v:.1f}" for v in value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0])
    p.add_argument("json", nargs="?", type=Path, default=DEFAULT_JSON)
    p.add_argument("--rerun", type=Path, action="append", default=[],
                   help="JSON of benchmarks run again; they replace those of the same name")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = p.parse_args(argv)
    if not args.json.exists():
        print(f"{args.json} does not exist: run `make bench` (pytest benchmarks "
              f"--benchmark-json={args.json}) first", file=sys.stderr)
        return 2
    data = json.loads(args.json.read_text())
    for path in args.rerun:
        data = merge(data, json.loads(path.read_text()))
    text = render(data)
    print(text)
    args.out.write_text(text + "\n")
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
