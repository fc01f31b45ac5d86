"""Command line: parse options, call one library function, print its report, pick the exit code."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__, numbers
from .build import Report, build, check
from .errors import BuildError, ContentError
from .model import CODES
from .new import new_record

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kspages")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Build the complaint-guidance site from content/ and templates/."""
    ctx.meta["kspages.verbosity"] = 0 if quiet else 2 if verbose else 1


@main.command("build")
@_site
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: <site>/output].")
@_as_of
def build_cmd(site: Path, out: Path | None, as_of: dt.datetime | None) -> None:
    """Build the site into the output folder."""
    out = out or site / "output"
    try:
        report = build(site, out, as_of.date() if as_of else None)
    except BuildError as exc:
        _fail(exc, out)
    except OSError as exc:
        raise click.ClickException(f"could not write {exc.filename or out}: {exc.strerror}") from None
    _warnings(report)
    if _verbosity() > 0:
        click.echo(f"built {report.outputs} files into {out}: {report.written} written, {report.unchanged} unchanged, "
                   f"{report.removed} removed in {report.seconds:.2f} s")
    if _verbosity() > 1:
        click.echo(f"{report.guide_pages} guide pages, {report.records} records, {report.notices} notices, "
                   f"{report.withdrawn} withdrawn")
        _masks(report, show=False)


def _masks(report: Report, show: bool) -> None:
    """One line per record field the scrubber changes: type and count, the values only with --show."""
    for mask in report.masks:
        counts: dict[str, int] = {}
        for hit in mask.hits:
            counts[hit.token] = counts.get(hit.token, 0) + 1
        summary = ", ".join(f"{token} x{n}" for token, n in counts.items())
        click.echo(f"{mask.path}:{mask.line or 1}: {mask.field}: will hide {summary}")
        if show:
            for hit in mask.hits:
                click.echo(f"  {hit.token} <- {hit.original}")


@main.command("check")
@_site
@_as_of
@click.option("--show", is_flag=True, help="Also print the personal data the scrubber will hide (never in CI logs).")
def check_cmd(site: Path, as_of: dt.datetime | None, show: bool) -> None:
    """Validate everything, including the privacy checks, and list what will be masked; write nothing."""
    try:
        report = check(site, as_of.date() if as_of else None)
    except BuildError as exc:
        _fail(exc, None)
    _warnings(report)
    if _verbosity() > 0:
        _masks(report, show)
        hidden = sum(len(m.hits) for m in report.masks)
        click.echo(f"ok: {report.guide_pages} guide pages, {report.records} records, {report.notices} notices, "
                   f"{report.outputs} files would be built; {hidden} pieces of personal data will be hidden")


@main.command("new")
@_site
@click.option("--category", type=click.Choice(list(CODES["category"])), default="other", show_default=True)
@click.option("--channel", type=click.Choice(list(CODES["channel"])), default="in_app_report", show_default=True)
@click.option("--merchant", default="", help="The shop complained about.")
@click.option("--date", "received", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date received [default: today].")
def new_cmd(site: Path, category: str, channel: str, merchant: str, received: dt.datetime | None) -> None:
    """Start a record with a fresh number; print its path."""
    day = received.date() if received else dt.date.today()
    path = new_record(site, category, channel, merchant, day)
    click.echo(path)


@main.group("number")
def number_group() -> None:
    """Issue and check complaint numbers."""


@number_group.command("new")
@click.option("--count", "-n", type=click.IntRange(1, 100_000), default=1, show_default=True)
def number_new(count: int) -> None:
    """Print COUNT fresh complaint numbers, one per line."""
    seen: set[str] = set()
    while len(seen) < count:
        number = numbers.generate()
        if number not in seen:
            seen.add(number)
            click.echo(number)


_VERDICTS = {"ok": "ok", "malformed": "malformed: not a complaint number (KS-XXXX-XXXX-X)",
             "bad_check": "wrong check character: a character was probably mistyped"}


@number_group.command("check")
@click.argument("number", nargs=-1, required=True)
def number_check(number: tuple[str, ...]) -> None:
    """Say whether each NUMBER is well formed; exit 1 if any is not."""
    bad = False
    for text in number:
        result = numbers.check(text)
        bad |= result.verdict != "ok"
        shown = f" ({result.number})" if result.number and result.number != text else ""
        click.echo(f"{text}: {_VERDICTS[result.verdict]}{shown}")
    if bad:
        sys.exit(1)
