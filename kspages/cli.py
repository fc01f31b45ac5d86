"""Command line: parse options, call one library function, print its report, pick the exit code."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, stamp
from .codes import CODES
from .errors import BuildError, ContentError
from .layout import CACHE, CONTENT, OUTPUT, RECORDS, TEMPLATES
from .report import Report

if TYPE_CHECKING:
    from .build import Session
    from .privacy import Hit

# The pipeline (Jinja, Markdown, the privacy detectors) is imported by the commands that run it, so that
# `kspages build` with nothing to do answers in the time it takes to look at the files.

_site = click.option("--site", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".",
                     show_default=True, help="Site folder (holds content/ and templates/).")


_as_of = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                      help="Apply the publication rules as of this date [default: today]; fixes the output for "
                           "reproducible builds.")


def _verbosity() -> int:
    return int(click.get_current_context().find_root().meta.get("kspages.verbosity", 1))


def _echo_problems(problems: list[ContentError], kind: str = "error") -> None:
    for problem in problems:
        click.secho(f"{problem.location}: {kind}: {problem.message}", fg="red" if kind == "error" else "yellow",
                    err=True)
        if problem.hint:
            click.echo(f"  hint: {problem.hint}", err=True)


def _fail(exc: BuildError, out: Path | None) -> None:
    _echo_problems(exc.errors)
    n, files = len(exc.errors), len({e.path for e in exc.errors})
    tail = f"; {out} was left as it was" if out is not None else ""
    click.secho(f"{n} error{'s' * (n != 1)} in {files} file{'s' * (files != 1)}{tail}", fg="red", err=True)
    sys.exit(1)


def _warnings(report: Report) -> None:
    if _verbosity() > 0:
        _echo_problems(report.warnings, "warning")


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    # Runs for the group's flags and again for a subcommand's, so `kspages -q build` and `kspages build -q` agree
    # (as in MkDocs); the group's callback runs before the subcommand parses its options, so the later flag wins.
    if value:
        ctx.meta["kspages.verbosity"] = 0 if param.name == "quiet" else 2
    return value


def _verbosity_options(f: Any) -> Any:
    f = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity,
                     help="Print more detail.")(f)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_verbosity,
                        help="Print only errors.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kspages")
@_verbosity_options
def main() -> None:
    """Build the complaint-guidance site from content/ and templates/."""


@main.command("build")
@_verbosity_options
@_site
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: <site>/output].")
@_as_of
@click.option("--verify", is_flag=True, help="Then build from scratch into a temporary folder and fail if a single "
                                              "byte differs from the incremental output.")
def build_cmd(site: Path, out: Path | None, as_of: dt.datetime | None, verify: bool) -> None:
    """Build the site into the output folder."""
    out = out or site / OUTPUT
    day = as_of.date() if as_of else None
    bar = _ProgressBar()
    try:
        # -v lists what each record will hide, which only a build that reads the records knows.
        saved, state, start = None, None, time.perf_counter()
        if _verbosity() < 2:
            state = stamp.inputs(site)
            saved = stamp.unchanged(site, out, (day or dt.date.today()).isoformat(), state)
        if saved is not None:
            report = Report.from_stamp(saved, time.perf_counter() - start)
        else:
            from .build import build
            report = build(site, out, day, progress=bar, shortcut=False, state=state, masks=_verbosity() > 1)
    except BuildError as exc:
        bar.close()
        _fail(exc, out)
    except OSError as exc:
        raise click.ClickException(f"could not write {exc.filename or out}: {exc.strerror}") from None
    finally:
        bar.close()
    _warnings(report)
    _summary(report, out)
    if verify:
        differ = _verify_or_exit(site, out, day)
        if _verbosity() > 0:
            click.echo(f"verified: identical to a clean build ({report.outputs} files)" if not differ else "")
    if _verbosity() > 1:
        click.echo(f"{report.guide_pages} guide pages, {report.records} records, {report.notices} notices, "
                   f"{report.withdrawn} withdrawn")
        _masks(report, show=False)


class _ProgressBar:
    """A bar for builds that take more than a second: only on a terminal, never with -q."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: Any = None
        self.shown = 0
        self.enabled = _verbosity() > 0 and sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < 1.0:
                return
            self.bar = click.progressbar(length=total, label="rendering", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _summary(report: Report, out: Path) -> None:
    if _verbosity() > 0 and report.up_to_date:
        click.echo(f"{out} is up to date: no file changed since the last build ({report.outputs} files checked in "
                   f"{report.seconds:.2f} s)")
    elif _verbosity() > 0:
        click.echo(f"built {report.outputs} files into {out}: {report.written} written, {report.unchanged} unchanged, "
                   f"{report.removed} removed ({report.rendered} pages rendered) in {report.seconds:.2f} s")
    if _verbosity() > 1 and report.stages:
        click.echo("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.stages.items()))


def _verify_or_exit(site: Path, out: Path, day: dt.date | None) -> list[str]:
    from .build import verify
    differ = verify(site, out, day)
    if differ:
        shown = ", ".join(differ[:10]) + (f" and {len(differ) - 10} more" if len(differ) > 10 else "")
        click.secho(f"incremental output differs from a clean build in {len(differ)} file(s): {shown}", fg="red",
                    err=True)
        click.echo(f"  hint: please report this; 'rm -r {CACHE}' and build again to recover", err=True)
        sys.exit(1)
    return differ


def _masks(report: Report, show: bool) -> None:
    """One line per record field the scrubber changes: type and count, the values only with --show; then what
    looked like personal data but may be a word (hidden or kept, as privacy.unsure says), for staff to confirm."""
    for mask in report.masks:
        sure = [hit for hit in mask.hits if hit.sure]
        if sure:
            click.echo(f"{mask.path}:{mask.line or 1}: {mask.field}: will hide {_hit_counts(sure)}")
        unsure = [hit for hit in mask.hits if not hit.sure]
        if unsure:
            click.echo(f"{mask.path}:{mask.line or 1}: {mask.field}: unsure, will hide {_hit_counts(unsure)} "
                       f"(a name? confirm, or set privacy.unsure)")
        if mask.kept:
            click.echo(f"{mask.path}:{mask.line or 1}: {mask.field}: looked like personal data, kept "
                       f"{_hit_counts(mask.kept)} (privacy.unsure: keep; confirm before publishing)")
        if show:
            for hit in (*mask.hits, *mask.kept):
                click.echo(f"  {hit.token or '(removed)'} <- {hit.original}")


def _hit_counts(hits: list[Hit] | tuple[Hit, ...]) -> str:
    counts: dict[str, int] = {}
    for hit in hits:
        label = hit.token or "〔姓名〕"
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{token} x{n}" for token, n in counts.items())


@main.command("check")
@_verbosity_options
@_site
@_as_of
@click.option("--show", is_flag=True, help="Also print the personal data the scrubber will hide (never in CI logs).")
@click.option("--search", "search_fixture", is_flag=False, flag_value="tests/search_queries.yaml", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also run the search queries of FILE (alone: tests/search_queries.yaml in the site).")
def check_cmd(site: Path, as_of: dt.datetime | None, show: bool, search_fixture: Path | None) -> None:
    """Validate everything, including the privacy checks, and list what will be masked; write nothing."""
    fixture = None if search_fixture is None else (
        search_fixture if search_fixture.is_absolute() else site / search_fixture)
    if fixture is not None and not fixture.is_file():
        raise click.BadParameter(f"{fixture} does not exist", param_hint="--search")
    try:
        from .build import check
        report = check(site, as_of.date() if as_of else None, fixture)
    except BuildError as exc:
        _fail(exc, None)
    _warnings(report)
    if _verbosity() > 0:
        _masks(report, show)
        hidden = sum(len(m.hits) for m in report.masks)
        differ = _markdown(site, show) if _verbosity() > 1 else None
        click.echo(f"ok: {report.guide_pages} guide pages, {report.records} records, {report.notices} notices, "
                   f"{report.outputs} files would be built; {hidden} pieces of personal data will be hidden"
                   + (f"; Markdown differs from an editor's preview in {differ} places" if differ is not None else ""))


def _markdown(site: Path, show: bool) -> int:
    """List where guide pages and notice bodies render differently from a CommonMark editor's preview (check -v)."""
    from .mdcheck import site as markdown_differences
    found = markdown_differences(site)
    for d in found:
        text = show or not d.private  # a notice body's text is the record's, printed only with --show, as masks
        click.echo(f"{d.path}:{d.line}: Markdown: the site shows this differently from an editor's preview"
                   + ("" if text else " (add --show for the text)"))
        for label, shown in zip(("site:  ", "editor:"), d.described(text), strict=True):
            click.echo(f"  {label} " + (" / ".join(shown[:3]) or "(nothing)")
                       + (f" / and {len(shown) - 3} more" if len(shown) > 3 else ""))
        click.echo(f"  hint: {d.hint}")
    return len(found)


_poll = click.option("--poll", is_flag=True, help="Poll for changes instead of file-system events (network drives, "
                                                   "container mounts).")


def _idler(session: Session) -> Callable[[], bool]:
    """`session.idle` for the watcher's quiet time: a bug in it is reported, and only makes later saves slower."""
    def idle() -> bool:
        try:
            return session.idle()
        except Exception as exc:  # noqa: BLE001 - watch must outlive any bug; it is reported, never swallowed
            click.secho(f"internal error while idle: {type(exc).__name__}: {exc}; please report it. Builds go on",
                        fg="red", err=True)
            return False

    return idle


@main.command("watch")
@_verbosity_options
@_site
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: <site>/output].")
@_as_of
@_poll
def watch_cmd(site: Path, out: Path | None, as_of: dt.datetime | None, poll: bool) -> None:
    """Rebuild the output folder on every change to content/ or templates/ (Ctrl+C to stop)."""
    from .live import watch

    out = out or site / OUTPUT
    day = as_of.date() if as_of else None
    from .build import Session
    session = Session(site, out, day)

    def rebuild(changed: Collection[str] | None = None) -> None:
        try:
            report = session.build(changed=changed)
        except BuildError as exc:
            _echo_problems(exc.errors)
            n = len(exc.errors)
            click.secho(f"{n} error{'s' * (n != 1)}; {out} was left as it was, waiting for the fix", fg="red",
                        err=True)
            return
        except OSError as exc:
            click.secho(f"could not write {exc.filename or out}: {exc.strerror}; waiting for the next change",
                        fg="red", err=True)
            return
        except Exception as exc:  # noqa: BLE001 - watch must outlive any bug; it is reported, never swallowed
            click.secho(f"internal error: {type(exc).__name__}: {exc}; please report it. {out} was left as it "
                        "was, waiting for the next change", fg="red", err=True)
            return
        _warnings(report)
        _summary(report, out)

    def first() -> None:  # with the observer running: what is saved meanwhile has an event
        rebuild()
        if _verbosity() > 0:
            click.echo(f"watching {site / CONTENT} and {site / TEMPLATES} (Ctrl+C to stop)")

    stop = threading.Event()
    try:
        with _terminate_as_interrupt():
            watch(site, rebuild, stop, out=out, poll=poll, first=first, idle=_idler(session))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        session.save()


@main.command("serve")
@_verbosity_options
@_site
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--livereload/--no-livereload", default=True, show_default=True,
              help="Reload open pages after each build and show build errors over them.")
@_as_of
@_poll
def serve_cmd(site: Path, port: int, livereload: bool, as_of: dt.datetime | None, poll: bool) -> None:
    """Preview the site on 127.0.0.1, rebuilding in memory on every change (Ctrl+C to stop)."""
    run_serve(site, port, livereload, as_of.date() if as_of else None, poll)


def run_serve(site: Path, port: int, livereload: bool, as_of: dt.date | None, poll: bool) -> None:
    """Serve until Ctrl+C: bind first (a busy port fails fast), build, then rebuild on changes."""
    from .live import watch
    from .serve import PortBusy, Previewer, State, make_server

    state = State()
    try:
        server = make_server(state, port, livereload)
    except PortBusy as exc:
        suggestion = f"; try --port {exc.free}" if exc.free else ""
        raise click.ClickException(f"port {exc.port} is already in use{suggestion}") from None

    def report(result: Report | None, errors: list[ContentError]) -> None:
        if errors:
            _echo_problems(errors)
            click.secho(f"{len(errors)} error(s); still serving the last good build, waiting for the fix", fg="red",
                        err=True)
        elif result is not None and _verbosity() > 0:
            click.echo(f"built {result.outputs} files ({result.rendered} pages rendered) in {result.seconds:.2f} s")

    previewer = Previewer(site, state, as_of, report)

    def first() -> None:  # with the observer running: what is saved meanwhile has an event
        previewer()
        threading.Thread(target=server.serve_forever, name="kspages-http", daemon=True).start()
        click.echo(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")

    stop = threading.Event()
    try:
        with _terminate_as_interrupt():
            watch(site, previewer, stop, poll=poll, first=first, idle=_idler(previewer.session))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        state.close()
        server.shutdown()
        server.server_close()
        previewer.session.save()


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (docker stop, systemd, a CI job's end) stops watch and serve as Ctrl+C does: the cache is saved."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (watch run from a test's thread)
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(kind: str, title: str, default: str) -> str:
    """Ask for a code, showing every allowed code with its Chinese label; a number or the code answers."""
    codes = list(CODES[kind])
    click.echo(f"{kind} ({title}):")
    for i, code in enumerate(codes, start=1):
        click.echo(f"  {i}. {code:<18} {CODES[kind][code]}")

    def parse(answer: str) -> str:
        answer = answer.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(codes):
            return codes[int(answer) - 1]
        if answer in codes:
            return answer
        raise click.BadParameter(f"answer 1-{len(codes)} or one of: {', '.join(codes)}")

    return str(click.prompt("  choose", default=default, value_proc=parse))


@main.command("new")
@_verbosity_options
@_site
@click.option("--category", type=click.Choice(list(CODES["category"])), default=None,
              help="Problem type [asked in a terminal; default: other].")
@click.option("--channel", type=click.Choice(list(CODES["channel"])), default=None,
              help="Where it was reported [asked in a terminal; default: in_app_report].")
@click.option("--merchant", default=None, help="The shop complained about [asked in a terminal].")
@click.option("--date", "received", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date received [default: today].")
@click.option("--no-input", is_flag=True, help="Never ask; take the options and defaults.")
def new_cmd(site: Path, category: str | None, channel: str | None, merchant: str | None,
            received: dt.datetime | None, no_input: bool) -> None:
    """Start a record with a fresh number; print its path. Never overwrites."""
    ask = not no_input and _interactive()
    if category is None:
        category = _ask("category", "问题类型", "other") if ask else "other"
    if channel is None:
        channel = _ask("channel", "反映渠道", "in_app_report") if ask else "in_app_report"
    if merchant is None:
        merchant = str(click.prompt("merchant (被投诉店铺)", default="", show_default=False)) if ask else ""
    day = received.date() if received else dt.date.today()
    from .new import new_record
    path = new_record(site, category, channel, merchant.strip(), day)
    click.echo(path)


@main.command("init")
@_verbosity_options
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init_cmd(folder: Path) -> None:
    """Start a new site in FOLDER (new or empty): settings, the guide, a sample record, the theme."""
    from .new import SiteExists, init_site
    try:
        files = init_site(folder, dt.date.today())
    except SiteExists:
        raise click.ClickException(f"{folder} is not empty; choose a new or empty folder") from None
    if _verbosity() > 0:
        me = _command()
        click.echo(f"started a site in {folder} ({len(files)} files). Next:\n"
                   f"  cd {shlex.quote(str(folder))}\n  {me} new          # add a record\n"
                   f"  {me} serve        # preview it")


def _command() -> str:
    """How to run this kspages from another folder: its name if the shell finds this very one, else its path."""
    # The README installs into .venv/bin, which is rarely on PATH; the script sits beside the running Python.
    script = Path(os.path.abspath(sys.executable)).parent / "kspages"
    if not script.is_file():
        return "kspages"
    found = shutil.which("kspages")
    if found and Path(found).resolve() == script.resolve():
        return "kspages"
    return shlex.quote(str(script))


@main.command("schema")
@_verbosity_options
def schema_cmd() -> None:
    """Print the JSON Schema of a record (for editors; new files point at schema/record.schema.json)."""
    from .schema import schema_json
    click.echo(schema_json(), nl=False)


@main.group("number")
def number_group() -> None:
    """Issue and check complaint numbers."""


@number_group.command("new")
@_verbosity_options
@click.option("--count", "-n", type=click.IntRange(1, 100_000), default=1, show_default=True)
def number_new(count: int) -> None:
    """Print COUNT fresh complaint numbers, one per line."""
    from . import numbers
    seen: set[str] = set()
    while len(seen) < count:
        number = numbers.generate()
        if number not in seen:
            seen.add(number)
            click.echo(number)


_VERDICTS = {"ok": "ok", "malformed": "malformed: not a complaint number (KS-XXXX-XXXX-X)",
             "bad_check": "wrong check character: a character was probably mistyped",
             # The status page's answer to the same input (lookup.js, status.html's next-order), for staff.
             "order_number": "an order number from the shopping app (15 to 19 digits), not a complaint number: "
                             "complaint numbers start with KS (KS-XXXX-XXXX-X) and are in the team's reply to the "
                             "complainant; ask for that reply, or find the record by its order id in "
                             f"{RECORDS}"}


@number_group.command("check")
@_verbosity_options
@click.argument("number", nargs=-1, required=True)
def number_check(number: tuple[str, ...]) -> None:
    """Say whether each NUMBER is a well-formed complaint number (or an order number); exit 1 if any is not."""
    from . import numbers
    bad = False
    for text in number:
        verdict = numbers.lookup_verdict(text)
        bad |= verdict != "ok"
        canonical = numbers.check(text).number
        shown = f" ({canonical})" if canonical and canonical != text else ""
        click.echo(f"{text}: {_VERDICTS[verdict]}{shown}")
    if bad:
        sys.exit(1)
