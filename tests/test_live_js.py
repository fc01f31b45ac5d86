"""The preview page script in node with a fake DOM: reload on a new build, overlay on errors, pause when hidden."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kspages.serve import LIVE_JS

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

HARNESS = r"""
const log = [];
let hidden = false, listeners = {}, sources = [], body = [];
function element(tag) {
  const el = {tag, children: [], style: {}, textContent: "", attrs: {},
    appendChild(c) { this.children.push(c); }, setAttribute(k, v) { this.attrs[k] = v; },
    remove() { body.splice(body.indexOf(this), 1); }};
  return el;
}
global.document = {
  get hidden() { return hidden; },
  currentScript: {getAttribute: () => "7"},
  addEventListener(type, fn) { listeners[type] = fn; },
  createElement: element,
  getElementById(id) { return body.find(e => e.id === id) || null; },
  body: {appendChild(e) { body.push(e); }},
};
global.location = {reload() { log.push("reload"); }};
global.EventSource = class {
  constructor(url) { this.url = url; this.closed = false; sources.push(this); }
  close() { this.closed = true; }
};
eval(require("fs").readFileSync(0, "utf8"));
const send = (state) => sources[sources.length - 1].onmessage({data: JSON.stringify(state)});
const open = () => sources.filter(s => !s.closed).length;
log.push(["connected", sources.length, sources[0].url]);
send({generation: 7, errors: []});
log.push(["same generation", log.includes("reload")]);
send({generation: 8, errors: [{location: "a.yaml:3", line: 3, message: "bad", hint: "fix", excerpt: [[3, "x: ["]]}]});
const overlay = body.find(e => e.id === "kspages-overlay");
log.push(["overlay", !!overlay, JSON.stringify(overlay).includes("a.yaml:3"), log.includes("reload")]);
hidden = true; listeners.visibilitychange();
log.push(["hidden", open()]);
hidden = false; listeners.visibilitychange();
log.push(["visible", open(), sources.length]);
send({generation: 9, errors: []});
log.push(["fixed", log.includes("reload")]);
process.stdout.write(JSON.stringify(log));
"""


def test_reload_overlay_and_pause() -> None:
    assert NODE is not None
    out = subprocess.run([NODE, "-e", HARNESS], input=LIVE_JS, capture_output=True, text=True, check=True)
    log = json.loads(out.stdout)
    assert log == [
        ["connected", 1, "/__kspages/events"],
        ["same generation", False],  # the build the page came from: nothing to do
        ["overlay", True, True, False],  # errors: shown over the page, no reload
        ["hidden", 0],  # a hidden tab holds no connection
        ["visible", 1, 2],  # and reconnects when shown again
        "reload",
        ["fixed", True],  # a new good build reloads the page
    ]
