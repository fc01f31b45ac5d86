"""Preview server: the last good build, served from memory, with live reload and an error overlay over SSE.

Builds happen in memory and the served snapshot is swapped in one assignment, so no request ever sees half a build
and `output/` is never touched. A failed build keeps serving the last good snapshot and tells open pages why.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import posixpath
import socket
import threading
import urllib.parse
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .build import Session
from .errors import BuildError, ContentError
from .layout import page_file
from .report import Report

EVENTS = "/__kspages/events"
SCRIPT = "/__kspages/live.js"
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
          ".webp": "image/webp", ".ico": "image/x-icon", ".xml": "application/xml; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2"}


class PortBusy(Exception):
    """The port is taken; `free` is one that was free a moment ago."""

    def __init__(self, port: int, free: int | None) -> None:
        super().__init__(port, free)
        self.port, self.free = port, free


@dataclass
class State:
    """What the server shows: the last good build, a generation that changes on every build, the current errors."""

    outputs: Mapping[str, bytes] = field(default_factory=dict)
    generation: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, outputs: Mapping[str, bytes] | None, errors: list[dict[str, Any]]) -> None:
        """Swap in a new build (or keep the last one and show errors) and wake every open page."""
        with self.changed:
            if outputs is not None and outputs == self.outputs and not errors and not self.errors:
                return  # nothing a page could show changed: no reload
            if outputs is not None:
                self.outputs = outputs
            self.errors = errors
            self.generation += 1
            self.changed.notify_all()

    def close(self) -> None:
        """Release open event streams so the server can stop."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def excerpt(root: Path, error: ContentError, around: int = 2) -> list[tuple[int, str]]:
    """The lines around an error's line, numbered, for the overlay."""
    if not error.line:
        return []
    try:
        lines = (root / error.path).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(1, error.line - around)
    return [(n, lines[n - 1]) for n in range(first, min(len(lines), error.line + around) + 1)]


def overlay_errors(root: Path, errors: list[ContentError]) -> list[dict[str, Any]]:
    """Errors as the overlay shows them: location, message, hint and the offending lines."""
    return [{"location": e.location, "line": e.line, "message": e.message, "hint": e.hint,
             "excerpt": excerpt(root, e)} for e in errors]


class Previewer:
    """Builds the site in memory and publishes each result to the server state; never raises."""

    def __init__(self, root: Path, state: State, as_of: dt.date | None = None,
                 on_result: Callable[[Report | None, list[ContentError]], None] = lambda r, e: None) -> None:
        self.root, self.state, self.on_result = root, state, on_result
        self.session = Session(root, as_of=as_of, write=False)

    def __call__(self, changed: Collection[str] | None = None) -> None:
        """Build after `changed` (site-relative paths; None: look at every file) and publish the result."""
        try:
            report = self.session.build(changed=changed)
        except BuildError as exc:
            self.state.publish(None, overlay_errors(self.root, exc.errors))
            self.on_result(None, exc.errors)
            return
        except Exception as exc:  # noqa: BLE001 - a preview must outlive any bug; it is reported, never swallowed
            error = ContentError(".", None, f"internal error: {type(exc).__name__}: {exc}",
                                 "please report this; the preview keeps the last good build")
            self.state.publish(None, overlay_errors(self.root, [error]))
            self.on_result(None, [error])
            return
        self.state.publish(self.session.outputs, [])
        self.on_result(report, [])


def _client(generation: int) -> bytes:
    return (f'<script src="{SCRIPT}" data-generation="{generation}" defer></script>').encode()


def handler(state: State, livereload: bool) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one server state."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "kspages"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature is http.server's
            """Stay quiet: the terminal is for build results."""

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            """Serve a page, the live-reload script or the event stream."""
            path = urllib.parse.urlsplit(self.path).path
            if path == EVENTS and livereload:
                self._events()
            elif path == SCRIPT and livereload:
                self._send(HTTPStatus.OK, LIVE_JS.encode(), ".js")
            else:
                self._page(urllib.parse.unquote(path))

        def _page(self, path: str) -> None:
            outputs, generation = state.outputs, state.generation  # one snapshot for the whole response
            rel = posixpath.normpath(path).lstrip("/")
            rel = "" if rel == "." else rel
            if path.endswith("/") or not rel:
                rel = page_file(f"{rel}/" if rel else "")
            elif rel not in outputs and page_file(f"{rel}/") in outputs:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            status, data = (HTTPStatus.OK, outputs.get(rel)) if rel in outputs else (
                HTTPStatus.NOT_FOUND, outputs.get("404.html", "页面未找到".encode()))
            suffix = Path(rel).suffix if status == HTTPStatus.OK else ".html"
            if livereload and suffix == ".html" and data is not None:
                data = data.replace(b"</body>", _client(generation) + b"</body>", 1)
            self._send(status, data or b"", suffix)

        def _send(self, status: HTTPStatus, data: bytes, suffix: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", _TYPES.get(suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = -1
            try:
                while True:
                    with state.changed:
                        if state.generation == seen and not state.closing:
                            state.changed.wait(timeout=15)
                        if state.closing:
                            return
                        generation, errors = state.generation, state.errors
                    if generation != seen:
                        seen = generation
                        payload = json.dumps({"generation": generation, "errors": errors}, ensure_ascii=False)
                        self.wfile.write(f"data: {payload}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")  # finds closed tabs, keeps proxies from timing out
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


def _free_port(start: int) -> int | None:
    for port in range(start + 1, start + 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return None


def make_server(state: State, port: int, livereload: bool = True) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:port (0 for any free port); PortBusy when it is taken."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler(state, livereload))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortBusy(port, _free_port(port)) from None
        raise
    server.daemon_threads = True  # open event streams must not keep the process alive on Ctrl+C
    return server


LIVE_JS = r"""// kspages preview: reload on a new build, show build errors over the page, pause in hidden tabs.
(function () {
  "use strict";
  var me = document.currentScript;
  var loaded = Number(me && me.getAttribute("data-generation"));
  var source = null;
  function overlay(errors) {
    var old = document.getElementById("kspages-overlay");
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement("div");
    box.id = "kspages-overlay";
    box.setAttribute("role", "alert");
    // Opaque and with its own text settings: the site's styles (justified paragraphs) must not leak in.
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#161616;color:#fff;" +
      "font:15px/1.6 system-ui,sans-serif;padding:1.2em;text-align:left;letter-spacing:0;word-break:break-word";
    var h = document.createElement("h2");
    h.textContent = "构建失败：页面仍是上一次成功构建的结果";
    var p = document.createElement("p");
    p.textContent = "请修正下列问题并保存文件，修正后本页会自动刷新。共 " + errors.length + " 处问题。";
    box.appendChild(h);
    box.appendChild(p);
    errors.forEach(function (e) {
      var item = document.createElement("section");
      item.style.cssText = "border-top:1px solid #555;padding:.6em 0";
      var where = document.createElement("code");
      where.textContent = e.location;
      where.style.cssText = "color:#ffb4a9;font-weight:bold";
      var msg = document.createElement("p");
      msg.textContent = e.message;
      item.appendChild(where);
      item.appendChild(msg);
      if (e.hint) {
        var hint = document.createElement("p");
        hint.textContent = "提示：" + e.hint;
        hint.style.color = "#b8e0ff";
        item.appendChild(hint);
      }
      if (e.excerpt && e.excerpt.length) {
        var pre = document.createElement("pre");
        pre.style.cssText = "background:#000;padding:.5em;overflow:auto";
        e.excerpt.forEach(function (pair) {
          var line = document.createElement("div");
          line.textContent = String(pair[0]).padStart(5) + " | " + pair[1];
          if (pair[0] === e.line) line.style.cssText = "background:#5a1d1d;color:#fff";
          pre.appendChild(line);
        });
        item.appendChild(pre);
      }
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }
  function connect() {
    if (source || document.hidden) return;
    source = new EventSource("/__kspages/events");
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.errors.length) { overlay(state.errors); return; }
      if (state.generation !== loaded) { location.reload(); return; }
      overlay([]);
    };
  }
  function pause() { if (source) { source.close(); source = null; } }
  // A hidden tab holds no connection; when it comes back the first message says whether to reload.
  document.addEventListener("visibilitychange", function () { if (document.hidden) pause(); else connect(); });
  connect();
})();
"""
