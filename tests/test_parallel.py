"""Work spread over forked workers gives the same results, in the same order, as work done in one process."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.sites import bundled_copy, synthetic_records
from kspages import parallel
from kspages.build import build
from kspages.errors import ContentError

from .conftest import REPO, snapshot

DAY = dt.date(2026, 11, 1)
# A fresh interpreter has no other threads, so run_all forks there whatever this test process runs.
PROBE = """
import json, os
from kspages import parallel
def job(i):
    return lambda: (i * i, os.getpid())
results = parallel.run_all([job(i) for i in range(1000)])
print(json.dumps({"squares": [r[0] for r in results], "pids": sorted({r[1] for r in results}), "me": os.getpid()}))
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: run_all never forks")
def test_results_come_back_in_order_from_other_processes() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, check=True)
    found = json.loads(done.stdout)
    assert found["squares"] == [i * i for i in range(1000)]
    assert found["me"] not in found["pids"]  # every job ran in a worker

# How many malloc arenas (glibc's "heaps") the process has after a pool's threads took in 2,000 results.
ARENAS = """
import ctypes, os, re, sys, tempfile
from kspages import parallel
if sys.argv[1] == "without":
    parallel._one_arena = lambda: None
parallel.run_all([lambda i=i: [str(i) * 200 for _ in range(20)] for i in range(2000)])
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
fd, path = tempfile.mkstemp()
os.close(fd)
fp = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
print(len(re.findall(r'<heap nr="[0-9]+">', open(path).read())))
os.unlink(path)
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 or platform.libc_ver()[0] != "glibc",
                    reason="glibc with two cores only: run_all never forks on one, and the arenas are glibc's")
def test_the_threads_that_take_in_results_allocate_in_the_main_arena() -> None:
    def arenas(mode: str, **tuned: str) -> int:
        env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")} | tuned
        done = subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True, text=True, cwd=REPO,
                              check=True, env=env)
        return int(done.stdout)

    assert arenas("without") > 1  # the probe sees the arenas the pool's threads make when nothing stops them
    assert arenas("with") == 1
    assert arenas("with", MALLOC_ARENA_MAX="4") > 1  # malloc tuned by the user is left as the user tuned it


def test_a_content_error_in_a_job_reaches_the_caller() -> None:
    def job(i: int) -> int:
        if i == 700:
            raise ContentError("content/records/x.yaml", 3, "broken", "fix it")
        return i

    with pytest.raises(ContentError) as info:
        parallel.run_all([lambda i=i: job(i) for i in range(parallel.MINIMUM * 4)])
    assert (info.value.path, info.value.line) == ("content/records/x.yaml", 3)


def test_a_build_on_every_core_equals_one_in_a_single_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = bundled_copy(tmp_path / "site")
    synthetic_records(root, 400, seed=4)  # enough files, texts and pages for every stage to use workers
    script = (f"import datetime as dt; from pathlib import Path; from kspages.build import build; "
              f"build(Path({str(root)!r}), Path({str(tmp_path / 'forked')!r}), dt.date(2026, 11, 1))")
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True)
    shutil.rmtree(root / ".kspages-cache")  # nothing carried over: parse, scrub and render again
    monkeypatch.setattr(parallel, "MINIMUM", 10**9)  # everything in this process
    build(root, tmp_path / "single", DAY, shortcut=False)
    assert snapshot(tmp_path / "forked") == snapshot(tmp_path / "single")


KILLED = """
import json, os, signal
from kspages import parallel
parent = os.getpid()
def job(i):
    def run():
        if i == 500 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a worker when memory runs out
        return i
    return run
print(json.dumps(parallel.run_all([job(i) for i in range(1000)])))
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: run_all never forks")
def test_a_worker_killed_midway_costs_time_not_results() -> None:
    done = subprocess.run([sys.executable, "-c", KILLED], capture_output=True, text=True, cwd=REPO, check=True,
                          timeout=120)
    assert json.loads(done.stdout) == list(range(1000))


WARM = """
import json, os, sys
from kspages import parallel
from kspages.record import WARM
from tests.test_parallel import warm_probe
parallel.warm_up(WARM)
found = parallel.run_each(warm_probe, [(i,) for i in range(parallel.MINIMUM * 2)])
print(json.dumps({"squares": [f[0] for f in found], "ready": sorted({f[1] for f in found}),
                  "pids": sorted({f[2] for f in found}), "me": os.getpid(), "jieba_here": "jieba" in sys.modules}))
"""


def warm_probe(i: int) -> tuple[int, bool, int]:
    """A job for run_each: its square, whether jieba's tables were loaded before it ran, and where it ran."""
    from kspages.privacy import lexicon

    return i * i, lexicon._posseg.cache_info().currsize == 1, os.getpid()


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: run_each never forks")
def test_warm_workers_have_the_dictionary_loaded_before_their_first_job() -> None:
    done = subprocess.run([sys.executable, "-c", WARM], capture_output=True, text=True, cwd=REPO, check=True)
    found = json.loads(done.stdout)
    assert found["squares"] == [i * i for i in range(parallel.MINIMUM * 2)]
    assert found["ready"] == [True] and found["me"] not in found["pids"]
    assert not found["jieba_here"]  # loaded once, in the process the workers fork from, not in this one


def test_each_hands_back_a_result_before_running_the_next_job() -> None:
    ran: list[int] = []

    def job(i: int) -> int:
        ran.append(i)
        return i * i

    results = parallel.each(job, [(i,) for i in range(5)])  # below MINIMUM: in this process
    assert next(results) == 0 and ran == [0]
    assert list(results) == [1, 4, 9, 16] and ran == [0, 1, 2, 3, 4]
