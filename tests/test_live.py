"""watch and serve with the real watchdog observer and the real HTTP server: edits, bad edits, bursts, moves."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kspages import cli
from kspages.build import Session, verify
from kspages.errors import BuildError
from kspages.live import relevant, watch
from kspages.read import read_bytes
from kspages.serve import SCRIPT, PortBusy, Previewer, State, make_server

from .conftest import REPO, snapshot

DAY = dt.date(2026, 11, 1)
RECORD = "content/records/2026/KS-1Q5Z-Z36C-T.yaml"


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll until `condition()` holds; fail the test after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the watcher")
        time.sleep(0.05)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


class Watcher:
    """`kspages watch` in a thread: records every build's outcome."""

    def __init__(self, root: Path, poll: bool = False) -> None:
        self.root, self.out = root, root / "output"
        self.outcomes: list[str] = []  # "ok" or the first error message
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # As `kspages watch` does: one session, told what the watcher saw change.
        self.session = Session(root, self.out, DAY)
        self.session.build()
        self.thread = threading.Thread(target=watch, args=(root, self.rebuild, self.stop),
                                       kwargs={"out": self.out, "poll": poll}, daemon=True)

    def rebuild(self, changed: Collection[str] | None) -> None:
        try:
            self.session.build(changed=changed)
            outcome = "ok"
        except BuildError as exc:
            outcome = exc.errors[0].location + " " + exc.errors[0].message
        with self.lock:
            self.outcomes.append(outcome)

    def builds(self) -> int:
        with self.lock:
            return len(self.outcomes)

    def settle(self, quiet: float = 1.0) -> None:
        """Wait until no build has happened for `quiet` seconds."""
        count, since = self.builds(), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(0.05)
            if self.builds() != count:
                count, since = self.builds(), time.monotonic()


@pytest.fixture
def watcher(site: Path) -> Iterator[Watcher]:
    w = Watcher(site)
    w.thread.start()
    time.sleep(0.3)  # the observer is scheduled
    yield w
    w.stop.set()
    w.thread.join(timeout=10)


def _page(root: Path) -> str:
    return (root / "output/notices/KS-1Q5Z-Z36C-T/index.html").read_text("utf-8")


def test_an_edit_changes_the_output(watcher: Watcher) -> None:
    file = watcher.root / RECORD
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "检测确认为镀银制品"), "utf-8")
    wait_for(lambda: "检测确认为镀银制品" in _page(watcher.root) and watcher.outcomes[-1:] == ["ok"])


def test_a_bad_edit_keeps_the_last_output_and_the_fix_resumes(watcher: Watcher) -> None:
    file = watcher.root / RECORD
    good = file.read_text("utf-8")
    before = snapshot(watcher.out)
    file.write_text(good.replace("status: resolved", "status: resolvd"), "utf-8")
    wait_for(lambda: watcher.builds() > 0 and "unknown status 'resolvd'" in watcher.outcomes[-1])
    assert watcher.outcomes[-1].startswith(f"{RECORD}:7 ")
    assert snapshot(watcher.out) == before
    file.write_text(good.replace("检测为镀银制品", "修正后为镀银制品"), "utf-8")
    wait_for(lambda: "修正后为镀银制品" in _page(watcher.root) and watcher.outcomes[-1:] == ["ok"])


def test_a_burst_of_saves_ends_equal_to_a_clean_build(watcher: Watcher) -> None:
    files = sorted((watcher.root / "content/records/2026").glob("*.yaml"))
    start = time.monotonic()
    for i in range(300):
        file = files[i % len(files)]
        text = file.read_text("utf-8")
        text = text.replace("merchant: ", f"merchant: 第{i}次", 1) if i % 3 else text
        if i % 2:  # an editor's save: write a temporary file, then rename it over the original
            tmp = file.with_name(f".{file.name}.swp")
            tmp.write_text(text, "utf-8")
            os.replace(tmp, file)
        else:
            file.write_text(text, "utf-8")
    assert time.monotonic() - start < 5
    watcher.settle()
    assert watcher.outcomes[-1] == "ok"
    assert watcher.builds() < 60  # debounced: far fewer builds than saves
    assert verify(watcher.root, as_of=DAY) == []


def test_a_moved_directory_and_a_moved_content_folder_are_followed(watcher: Watcher) -> None:
    records = watcher.root / "content/records"
    (records / "2026").rename(records / "archive")
    watcher.settle()
    assert watcher.outcomes[-1] == "ok" and verify(watcher.root, as_of=DAY) == []
    (watcher.root / "content").rename(watcher.root / "content-away")
    wait_for(lambda: watcher.builds() > 0 and "site settings file is missing" in watcher.outcomes[-1])
    assert (watcher.out / "index.html").exists()  # the last good output stays
    (watcher.root / "content-away").rename(watcher.root / "content")
    wait_for(lambda: watcher.outcomes[-1] == "ok")
    file = records / "archive/KS-1Q5Z-Z36C-T.yaml"
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "移回后为镀银制品"), "utf-8")
    wait_for(lambda: "移回后为镀银制品" in _page(watcher.root))  # still watched after the move back


def test_editor_leftovers_and_output_are_not_changes(site: Path) -> None:
    out = site / "output"
    for path in ("content/records/2026/.x.yaml.swp", "content/4913", "content/guide/a.md~", "content/#a.md#",
                 "output/index.html", "README.md", "content/records/2026/x.yaml___jb_tmp___"):
        assert not relevant(site, out, str(site / path)), path
    for path in ("content/site.yaml", "content/records/2026/x.yaml", "templates/base.html", "templates/assets/a.css"):
        assert relevant(site, out, str(site / path)), path


def test_polling_observer_sees_changes(site: Path) -> None:
    w = Watcher(site, poll=True)
    w.thread.start()
    try:
        time.sleep(0.6)
        file = site / RECORD
        file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "轮询发现镀银制品"), "utf-8")
        wait_for(lambda: "轮询发现镀银制品" in _page(site))
    finally:
        w.stop.set()
        w.thread.join(timeout=10)


def test_a_file_that_vanished_is_an_error_not_a_crash(site: Path) -> None:
    rel, data, errors = read_bytes(site, site / "content/records/2026/gone.yaml")
    assert data is None and rel == "content/records/2026/gone.yaml"
    assert errors[0].message.startswith("could not read the file")


class Preview:
    """`kspages serve` without the terminal: state, server, previewer and watcher in threads."""

    def __init__(self, root: Path, livereload: bool = True) -> None:
        self.root = root
        self.state = State()
        self.server = make_server(self.state, 0, livereload)
        self.port = self.server.server_address[1]
        self.previewer = Previewer(root, self.state, DAY)
        self.previewer()
        self.stop = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.watch = threading.Thread(target=watch, args=(root, self.previewer, self.stop), daemon=True)
        self.watch.start()
        time.sleep(0.3)

    def get(self, path: str) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read()

    def close(self) -> None:
        self.stop.set()
        self.state.close()
        self.server.shutdown()
        self.server.server_close()
        self.watch.join(timeout=10)


@pytest.fixture
def preview(site: Path) -> Iterator[Preview]:
    p = Preview(site)
    yield p
    p.close()


def events(port: int) -> Iterator[dict[str, object]]:
    """The preview's server-sent events, parsed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", "/__kspages/events")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    while True:
        line = response.readline().decode()
        if line.startswith("data: "):
            yield json.loads(line[6:])


def test_serve_serves_pages_redirects_folders_and_has_a_404(preview: Preview) -> None:
    status, _, body = preview.get("/")
    assert status == 200 and SCRIPT.encode() in body and b'data-generation="1"' in body
    assert preview.get("/guide")[:2] == (301, "/guide/")
    status, _, body = preview.get("/no/such/page/")
    assert status == 404 and "页面未找到".encode() in body
    [css] = [p for p in preview.state.outputs if p.startswith("assets/style.")]
    status, _, body = preview.get("/" + css)
    assert status == 200 and SCRIPT.encode() not in body
    assert not (preview.root / "output").exists()  # the preview never writes output/


def test_edit_bad_edit_fix_reach_open_pages_as_events(preview: Preview) -> None:
    stream = events(preview.port)
    assert next(stream) == {"generation": 1, "errors": []}
    file = preview.root / RECORD
    good = file.read_text("utf-8")
    file.write_text(good.replace("检测为镀银制品", "实时更新镀银制品"), "utf-8")
    state = next(stream)
    assert state["generation"] == 2 and state["errors"] == []
    assert "实时更新镀银制品".encode() in preview.get("/notices/KS-1Q5Z-Z36C-T/")[2]
    file.write_text(good.replace("category: product_quality", "category: quality"), "utf-8")
    state = next(stream)
    [error] = state["errors"]  # type: ignore[misc]
    assert error["location"] == f"{RECORD}:4" and "unknown category 'quality'" in error["message"]
    assert [4, "category: quality"] in error["excerpt"]
    assert "实时更新镀银制品".encode() in preview.get("/notices/KS-1Q5Z-Z36C-T/")[2]  # last good build served
    file.write_text(good, "utf-8")
    state = next(stream)
    assert state["errors"] == [] and state["generation"] == 4


def test_a_busy_port_names_a_free_one(preview: Preview) -> None:
    with pytest.raises(PortBusy) as info:
        make_server(State(), preview.port)
    assert info.value.port == preview.port and info.value.free and info.value.free != preview.port
    result = CliRunner().invoke(cli.main, ["serve", "--site", str(preview.root), "--port", str(preview.port)])
    assert result.exit_code == 1 and f"port {preview.port} is already in use; try --port" in result.output


def test_livereload_is_one_boolean_and_on_by_default(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "run_serve", lambda site, port, livereload, as_of, poll: seen.append(livereload))
    runner = CliRunner()
    for args, expected in (([], True), (["--livereload"], True), (["--no-livereload"], False)):
        assert runner.invoke(cli.main, ["serve", "--site", str(site), *args]).exit_code == 0
        assert seen[-1] is expected


def test_without_livereload_pages_carry_no_script(site: Path) -> None:
    p = Preview(site, livereload=False)
    try:
        assert SCRIPT.encode() not in p.get("/")[2]
        assert p.get("/__kspages/events")[0] == 404
    finally:
        p.close()


def test_a_template_that_vanishes_or_breaks_is_reported_and_the_preview_recovers(preview: Preview) -> None:
    stream = events(preview.port)
    next(stream)
    timeline = preview.root / "templates/_timeline.html"
    text = timeline.read_text("utf-8")
    timeline.unlink()
    [error] = next(stream)["errors"]  # type: ignore[misc]
    assert error["message"] == "template not found: _timeline.html"
    timeline.write_text(text.replace("{% for", "{% fro", 1), "utf-8")
    state = next(stream)
    assert any("template syntax error" in e["message"] for e in state["errors"])  # type: ignore[union-attr]
    timeline.write_text(text, "utf-8")
    assert next(stream)["errors"] == []
    assert preview.get("/notices/KS-1Q5Z-Z36C-T/")[0] == 200


def test_the_watcher_names_the_files_that_changed_and_says_when_it_cannot(tmp_path: Path) -> None:
    from watchdog.events import DirCreatedEvent, DirModifiedEvent, DirMovedEvent, FileModifiedEvent, FileMovedEvent

    from kspages.live import Changes
    (tmp_path / "content/records/2026").mkdir(parents=True)
    changes = Changes(tmp_path, tmp_path / "output")
    assert changes.take() is None  # files saved before the observer started have no events: look at all at first
    record = str(tmp_path / "content/records/2026/KS-1.yaml")
    changes.dispatch(FileModifiedEvent(record))
    changes.dispatch(DirModifiedEvent(str(tmp_path / "content/records/2026")))  # the folder's own times
    changes.dispatch(FileMovedEvent(str(tmp_path / "content/records/2026/.KS-1.yaml.swp"), record + "x"))
    changes.dispatch(FileModifiedEvent(str(tmp_path / "output/index.html")))
    assert changes.take() == {"content/records/2026/KS-1.yaml", "content/records/2026/KS-1.yamlx"}
    assert changes.take() == frozenset()
    for event in (DirCreatedEvent(str(tmp_path / "content/records/2027")),
                  DirMovedEvent(str(tmp_path / "content/records/2026"), str(tmp_path / "content/records/old"))):
        changes.dispatch(event)
        assert changes.take() is None  # which files are in that folder: look at all
    for i in range(1001):  # more than a batch whose events are trusted (the kernel's queue may have overflowed)
        changes.dispatch(FileModifiedEvent(str(tmp_path / f"content/records/2026/KS-{i}.yaml")))
    assert changes.take() is None


@pytest.mark.parametrize("poll", [False, True])
def test_a_save_during_the_first_build_is_named_by_the_first_batch(site: Path, poll: bool) -> None:
    # The first build runs with the observer already running: what is saved meanwhile has an event, so the first
    # batch names the file instead of looking at every file (which at 100k records took 1.4 s of the first save).
    seen: list[frozenset[str] | None] = []
    stop = threading.Event()

    def first() -> None:
        time.sleep(0.6 if poll else 0.05)  # the polling observer's first snapshot is taken; this is "the build"
        file = site / RECORD
        file.write_text(file.read_text("utf-8") + "\n", "utf-8")

    def rebuild(changed: frozenset[str] | None) -> None:
        seen.append(changed)
        stop.set()

    thread = threading.Thread(target=watch, args=(site, rebuild, stop), kwargs={"poll": poll, "first": first},
                              daemon=True)
    thread.start()
    thread.join(15)
    assert seen == [frozenset({RECORD})]


def test_a_batch_waits_briefly_only_after_a_finished_change(tmp_path: Path) -> None:
    from watchdog.events import (
        DirModifiedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    from kspages.live import Changes
    (tmp_path / "content/records/2026").mkdir(parents=True)
    changes = Changes(tmp_path, tmp_path / "output")
    record = str(tmp_path / "content/records/2026/KS-1.yaml")
    changes.dispatch(FileCreatedEvent(record))
    assert not changes.finished  # created: its bytes may not all be written yet
    changes.dispatch(FileModifiedEvent(record))
    assert not changes.finished
    changes.dispatch(FileClosedEvent(record))
    assert changes.finished  # closed after writing
    changes.dispatch(DirModifiedEvent(str(tmp_path / "content/records/2026")))
    assert changes.finished  # the folder's own times say nothing of a write under way
    changes.dispatch(FileModifiedEvent(record))
    assert not changes.finished
    changes.dispatch(FileMovedEvent(str(tmp_path / "content/records/2026/.KS-1.yaml.swp"), record))
    assert changes.finished  # an editor's save through a temporary file
    changes.dispatch(FileModifiedEvent(record))
    changes.dispatch(FileDeletedEvent(record))
    assert changes.finished
    # Two files: one closed while the other is still being written is not the end of the batch.
    other = str(tmp_path / "content/records/2026/KS-2.yaml")
    changes.dispatch(FileModifiedEvent(other))
    changes.dispatch(FileModifiedEvent(record))
    changes.dispatch(FileClosedEvent(record))
    assert not changes.finished
    changes.dispatch(FileClosedEvent(other))
    assert changes.finished


def test_sigterm_stops_watch_as_ctrl_c_does_and_the_cache_is_saved(site: Path) -> None:
    # docker stop, systemd and the end of a CI job send SIGTERM: the session's cache must outlive it.
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-m", "kspages", "watch", "--site", str(site), "--as-of", "2026-11-30"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO) as proc:
        try:
            assert proc.stdout is not None
            for line in proc.stdout:  # the first build is done when it says it watches
                if line.startswith("watching "):
                    break
            assert not list((site / ".kspages-cache").glob("cache-*.pickle"))  # a session saves when it stops
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
        finally:
            proc.kill()
    assert list((site / ".kspages-cache").glob("cache-*.pickle"))


def test_the_watcher_works_at_idle_only_once_nothing_changed_for_a_while(site: Path) -> None:
    # Idle work (a session's readings) starts `rest` seconds after the last build, goes on while there is more,
    # stops when there is none, and starts again after the next build.
    built: list[float] = []
    calls: list[float] = []
    left = [3]

    def idle() -> bool:
        calls.append(time.monotonic())
        left[0] -= 1
        return left[0] > 0

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(site, lambda changed: built.append(time.monotonic()), stop),
                              kwargs={"idle": idle, "rest": 0.5, "first": lambda: built.append(time.monotonic())},
                              daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(calls) == 3)
        assert calls[0] - built[0] >= 0.5
        time.sleep(0.6)
        assert len(calls) == 3  # it said there was nothing left
        file = site / RECORD
        file.write_text(file.read_text("utf-8") + "\n", "utf-8")
        wait_for(lambda: len(built) == 2)
        left[0] = 1
        wait_for(lambda: len(calls) == 4)
        assert calls[3] - built[1] >= 0.5
    finally:
        stop.set()
        thread.join(timeout=10)
