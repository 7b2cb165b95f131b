"""Loading the whole demo data set at 1x and 100x: the import of its CSV files into an empty
database (what `init --demo` and `python -m ecomm import` do; target at 100x: under 30 s),
and, for the record, making the demo's CSV files (the rest of `init --demo`)."""
from __future__ import annotations

import shutil

import pytest

from benchmarks.conftest import DATA, label
from ecomm.demo import write_demo
from ecomm.importer import import_path
from ecomm.storage import Store


@pytest.fixture(scope="session")
def demo_csv(demo):
    """The demo's CSV files (same day, seed and size as the cached database), made once."""
    folder = DATA / f"csv-{demo.scale}-{demo.as_of.isoformat()}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_demo(folder, as_of=demo.as_of, licenses=demo.licenses)
        done.touch()
    return folder


def test_bench_import_whole_data_set(benchmark, demo, demo_csv, scale, tmp_path):
    label(benchmark, "Import of the whole data set (CSV folder, empty database)", scale,
          target_s=30.0)
    stores: list[Store] = []

    def setup():
        for s in stores:
            s.close()
        stores.clear()
        path = tmp_path / "import.duckdb"
        for p in (path, tmp_path / "import.duckdb.wal"):
            p.unlink(missing_ok=True)
        stores.append(Store(path))       # migrated: the schema is not the import's work
        return (stores[0], demo_csv), {"actor": "bench"}

    report = benchmark.pedantic(import_path, setup=setup, rounds=3)
    for s in stores:
        s.close()
    assert report.inserted == report.rows > 10 * demo.licenses


def test_bench_demo_generation(benchmark, demo, scale, tmp_path):
    label(benchmark, "Making the demo's CSV files (init --demo, before its import)", scale)
    folder = benchmark.pedantic(write_demo, args=(tmp_path / "demo",),
                                kwargs={"as_of": demo.as_of, "licenses": demo.licenses},
                                rounds=1)
    assert (folder / "licenses.csv").exists()
