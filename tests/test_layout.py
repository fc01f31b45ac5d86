"""layout.py: the light room of folders and URLs; and the module order that docs/architecture.md writes down."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from kspages import layout

from .conftest import REPO

PACKAGE = REPO / "kspages"
DOC = REPO / "docs" / "architecture.md"
# A top-level entry (`build.py`, `privacy/`) at the start of a line; a package's own modules indented by two spaces.
# Wrapped descriptions are indented further, so they never read as entries.
_ENTRY = re.compile(r"^(?P<inner>  )?(?P<name>[a-z_]+(?:\.py|/))(?:\s|$)")


def documented_order(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """Rooms from top to bottom ('privacy' for the package), and each package's modules in their order if written."""
    section = text.split("\n## Modules", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    rooms: list[str] = []
    inner: dict[str, list[str]] = {}
    for line in block.splitlines():
        found = _ENTRY.match(line)
        if found is None:
            continue
        name = found["name"].removesuffix(".py").removesuffix("/")
        if found["inner"]:
            assert rooms and found["name"].endswith(".py"), f"{line!r}: an indented entry must follow a package"
            inner.setdefault(rooms[-1], []).append(name)
        else:
            rooms.append(name)
    return rooms, inner


def package_modules() -> dict[str, Path]:
    """Every module of kspages by dotted name within it: 'cli', 'privacy' (its __init__), 'privacy.gate', '' (kspages)."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(module: str, tree: ast.Module, known: set[str], is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, module within kspages) of every import of kspages in a module, at any depth (in functions too)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kspages" or alias.name.startswith("kspages."):
                    yield node.lineno, alias.name.removeprefix("kspages").removeprefix(".")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                base_parts = parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else [])
                base = ".".join(base_parts)
            elif node.module == "kspages" or (node.module or "").startswith("kspages."):
                base = (node.module or "").removeprefix("kspages").removeprefix(".")
            else:
                continue
            for alias in node.names:
                # `from . import cache` names a module; `from . import __version__` a name in the package itself.
                sub = f"{base}.{alias.name}" if base else alias.name
                yield node.lineno, sub if sub in known else base


def violations(sources: dict[str, tuple[str, str, bool]], rooms: list[str],
               inner: dict[str, list[str]]) -> list[str]:
    """Every import of a module the doc lists above the importer, as 'path:line: module imports target, ...'.

    `sources` maps a dotted module name to (path shown, source text, whether it is a package's __init__).
    """
    known = set(sources)
    found: list[str] = []
    for module, (path, text, is_package) in sorted(sources.items()):
        if module in ("", "__main__"):
            continue  # kspages/__init__ is checked below; __main__ is `python -m kspages`, above everything
        room = module.split(".")[0]
        if room not in rooms:
            found.append(f"{path}: {room} is not in docs/architecture.md's module list")
            continue
        for line, target in imports_of(module, ast.parse(text), known, is_package):
            if target == "":
                continue  # the package itself (__version__): imported first by every module anyway
            where = f"{path}:{line}: {module} imports {target}"
            target_room = target.split(".")[0]
            if target_room not in rooms:
                found.append(f"{where}, which docs/architecture.md does not list")
                continue
            if target_room != room:
                if rooms.index(target_room) <= rooms.index(room):
                    found.append(f"{where}, which docs/architecture.md lists above {room}")
                continue
            if module == room:
                continue  # a package's __init__ is its room's door: it gathers what its modules offer
            if target == room:
                found.append(f"{where}: a module of {room}/ imports its own package's __init__ (a cycle)")
            elif room in inner:
                order = inner[room]
                mine, theirs = module.split(".", 1)[1], target.split(".", 1)[1]
                if mine not in order or theirs not in order:
                    found.append(f"{where}: docs/architecture.md does not list both within {room}/")
                elif order.index(theirs) <= order.index(mine):
                    found.append(f"{where}, which docs/architecture.md lists above it within {room}/")
    top = sources.get("")
    if top is not None:
        found += [f"{top[0]}:{line}: kspages/__init__.py imports {target}; it must import nothing of kspages"
                  for line, target in imports_of("", ast.parse(top[1]), known, True) if target]
    return found


def _real_sources() -> dict[str, tuple[str, str, bool]]:
    return {module: (path.relative_to(REPO).as_posix(), path.read_text("utf-8"), path.name == "__init__.py")
            for module, path in package_modules().items()}


def test_every_module_is_in_the_documented_order() -> None:
    rooms, inner = documented_order(DOC.read_text("utf-8"))
    modules = set(package_modules()) - {"", "__main__"}
    assert len(rooms) == len(set(rooms)), f"listed twice in docs/architecture.md: {rooms}"
    assert sorted(rooms) == sorted({m.split(".")[0] for m in modules}), "docs/architecture.md's module list is stale"
    for package, order in inner.items():
        assert sorted(order) == sorted(m.split(".", 1)[1] for m in modules if m.startswith(f"{package}.")), \
            f"docs/architecture.md's list of {package}/ is stale"


def test_modules_import_only_those_listed_below_them() -> None:
    rooms, inner = documented_order(DOC.read_text("utf-8"))
    assert violations(_real_sources(), rooms, inner) == []


def test_the_order_check_finds_each_kind_of_violation() -> None:
    # The same check over the real code with planted imports: upward, at any depth, relative or absolute.
    rooms, inner = documented_order(DOC.read_text("utf-8"))
    assert "privacy" in inner, "docs/architecture.md no longer lists privacy/'s own order"
    sources = _real_sources()
    planted = {
        "live": "from .serve import State\n",
        "numbers": "import re\n\n\ndef late() -> None:\n    from . import render\n",
        "errors": "import kspages.cli\n",
        "write": "from kspages.privacy import gate\n",
        "privacy.view": "from .gate import scan_output\n",
        "privacy.lexicon": "from ..public import shops\n",
        "privacy.names": "from ..privacy import Hit\n",
        "report": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .build import Loaded\n",
        "": "from . import cli\n",
    }
    for module, text in planted.items():
        path, _, is_package = sources[module]
        sources[module] = (path, text, is_package)
    found = violations(sources, rooms, inner)
    assert len(found) == len(planted), found
    assert "kspages/live.py:1: live imports serve, which docs/architecture.md lists above live" in found
    assert "kspages/numbers.py:5: numbers imports render, which docs/architecture.md lists above numbers" in found
    assert "kspages/errors.py:1: errors imports cli, which docs/architecture.md lists above errors" in found
    assert "kspages/write.py:1: write imports privacy.gate, which docs/architecture.md lists above write" in found
    assert ("kspages/privacy/view.py:1: privacy.view imports privacy.gate, which docs/architecture.md lists above "
            "it within privacy/") in found
    assert ("kspages/privacy/lexicon.py:1: privacy.lexicon imports public, which docs/architecture.md lists above "
            "privacy") in found
    assert ("kspages/privacy/names.py:1: privacy.names imports privacy: a module of privacy/ imports its own "
            "package's __init__ (a cycle)") in found
    assert "kspages/report.py:4: report imports build, which docs/architecture.md lists above report" in found
    assert "kspages/__init__.py:1: kspages/__init__.py imports cli; it must import nothing of kspages" in found


def test_documented_order_reads_entries_not_wrapped_descriptions() -> None:
    text = ("# x\n\n## Modules (each imports only those below it)\n\n```\ncli.py    commands\n"
            "pkg/      a package,\n          wrapped.py is not an entry\n  b.py      first\n  a.py      second\n"
            "low.py    the bottom\n```\n\n## Next\n\n```\nnot.py    another block\n```\n")
    assert documented_order(text) == (["cli", "pkg", "low"], {"pkg": ["b", "a"]})


def test_new_live_and_the_command_line_start_without_the_pipeline() -> None:
    # `kspages new`, the watcher's set-up and the CLI's start need folder names, not Jinja or the privacy engine.
    heavy = ["jinja2", "markdown", "jieba", "kspages.privacy", "kspages.render", "kspages.build", "kspages.public"]
    code = ("import sys, kspages.layout, kspages.new, kspages.live, kspages.cli; "
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == []


def test_layout_imports_only_the_standard_library() -> None:
    tree = ast.parse((PACKAGE / "layout.py").read_text("utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert all(isinstance(n, ast.ImportFrom) and n.level == 0 for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert names <= set(sys.stdlib_module_names) | {"__future__"}, names


def test_urls_and_their_files() -> None:
    assert layout.page_file("") == "index.html"
    assert layout.page_file(layout.guide_url("how-to-report")) == "guide/how-to-report/index.html"
    assert layout.page_file(layout.notice_url("KS-4QGJ-5S13-0")) == "notices/KS-4QGJ-5S13-0/index.html"
    assert layout.page_file(layout.archive_url(3)) == "notices/archive/3/index.html"
    # The digest names a shop's page in every published link: it must not change from one version to the next.
    assert layout.shop_url("示例旗舰店") == "shops/0f9c78a247/"
    assert layout.shard_file("0a") == "status/shards/0a.json"
    assert layout.asset_file("style.css", b"x") == "assets/style.2d711642b7.css"
    assert layout.asset_file("LICENSE", b"x") == "assets/LICENSE.2d711642b7"
