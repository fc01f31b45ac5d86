"""Starting things: `kspages new` (asked or not), `kspages init`, `kspages schema`, the pre-commit hook."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from kspages import cli
from kspages.build import build
from kspages.model import validate_record
from kspages.read import parse_yaml_file
from kspages.schema import record_schema

from .conftest import REPO, MakeSite

runner = CliRunner()
SCHEMA = jsonschema.Draft202012Validator(record_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_new_asks_in_a_terminal_with_codes_and_chinese_labels(make_site: MakeSite,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    root = make_site()
    result = runner.invoke(cli.main, ["new", "--site", str(root)], input="4\nnonsense\ncustomer_service\n示例小店\n")
    assert result.exit_code == 0, result.output
    assert "4. after_sales        售后服务" in result.output
    assert "answer 1-4 or one of: in_app_report" in result.output  # a bad answer is asked again
    path = Path(result.output.strip().splitlines()[-1])
    text = path.read_text("utf-8")
    assert "category: after_sales" in text and "channel: customer_service" in text and "merchant: 示例小店" in text


def test_new_without_input_takes_options_and_defaults(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_interactive", lambda: True)  # --no-input wins even in a terminal
    root = make_site()
    result = runner.invoke(cli.main, ["new", "--site", str(root), "--no-input", "--merchant", "某店"])
    assert result.exit_code == 0 and result.output.count("\n") == 1
    text = Path(result.output.strip()).read_text("utf-8")
    assert "category: other" in text and "channel: in_app_report" in text


def test_a_new_record_points_at_the_schema_and_satisfies_it(make_site: MakeSite) -> None:
    root = make_site()
    result = runner.invoke(cli.main, ["new", "--site", str(root), "--no-input", "--merchant", "某店"])
    path = Path(result.output.strip())
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/record.schema.json"
    assert (path.parent / "../../../schema/record.schema.json").resolve() == root / "schema/record.schema.json"
    assert json.loads((root / "schema/record.schema.json").read_text("utf-8")) == record_schema()
    source = parse_yaml_file("x.yaml", path.read_bytes())
    assert SCHEMA.is_valid(source.data)


def test_the_commented_reply_and_feedback_of_a_new_record_are_valid_once_uncommented(make_site: MakeSite) -> None:
    root = make_site()
    result = runner.invoke(cli.main, ["new", "--site", str(root), "--no-input", "--merchant", "某店"])
    text = Path(result.output.strip()).read_text("utf-8")
    assert "satisfied 满意 | partly 基本满意 | unsatisfied 不满意" in text
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("# merchant_reply:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("# notice:"))
    reply_end = next(i for i, line in enumerate(lines) if line.startswith("# feedback:"))
    uncommented = [line[2:] for line in lines[start:end]]
    # The reply fits any status; the feedback only once there is a result, so the new (pending) record rejects it.
    for part, valid in ((uncommented[: reply_end - start], True), (uncommented, False)):
        edited = "".join(lines[:start] + part + lines[end:])
        source = parse_yaml_file("x.yaml", edited.encode("utf-8"))
        errors: list[object] = []
        validate_record(source, errors)  # type: ignore[arg-type]
        assert (not errors) == valid, (errors, edited)
        assert SCHEMA.is_valid(source.data) == valid


def test_init_then_new_then_build_gives_a_working_site(tmp_path: Path) -> None:
    site = tmp_path / "新站点"
    result = runner.invoke(cli.main, ["init", str(site)])
    assert result.exit_code == 0, result.output
    added = runner.invoke(cli.main, ["new", "--site", str(site), "--no-input", "--category", "price_mismatch",
                                     "--merchant", "某店"])
    assert added.exit_code == 0
    check = runner.invoke(cli.main, ["check", "--site", str(site)])
    assert check.exit_code == 0, check.output
    assert "10 guide pages, 2 records, 1 notices" in check.output
    report = build(site)
    assert report.notices == 1 and (site / "output/index.html").exists()
    for record in (site / "content/records").rglob("*.yaml"):
        assert SCHEMA.is_valid(parse_yaml_file("x", record.read_bytes()).data)
    assert (site / ".gitignore").read_text("utf-8") == "/output/\n/.output.staging-*/\n/.kspages-cache/\n"
    assert sorted(p.name for p in (site / "templates").iterdir()) == sorted(
        p.name for p in (REPO / "templates").iterdir())


def test_init_prints_commands_that_run_from_the_new_site(tmp_path: Path) -> None:
    # The README installs kspages into .venv/bin, which is not on PATH: "kspages new" would not be found.
    site = tmp_path / "my site"
    result = runner.invoke(cli.main, ["init", str(site)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.strip().endswith("# add a record"))
    command = shlex.split(line.split("#")[0])
    assert command[-1] == "new"
    found = shutil.which(command[0], path=os.environ.get("PATH", "")) if len(Path(command[0]).parts) == 1 \
        else command[0]
    assert found, f"{command[0]} is not on PATH"
    assert subprocess.run([found, "--version"], cwd=site, capture_output=True, check=True).stdout.startswith(b"kspages")


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("mine", "utf-8")
    result = runner.invoke(cli.main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and "is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_schema_command_prints_the_schema() -> None:
    result = runner.invoke(cli.main, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output) == record_schema()


def test_pre_commit_hook_runs_check() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "kspages-check" and hook["entry"] == "kspages -q check"
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    result = runner.invoke(cli.main, hook["entry"].split()[1:] + ["--site", str(REPO)])
    assert result.exit_code == 0 and result.output == ""


def test_the_repository_s_schema_file_is_current() -> None:
    from kspages.schema import schema_json
    assert (REPO / "schema/record.schema.json").read_text("utf-8") == schema_json()
    for record in (REPO / "content/records").rglob("*.yaml"):
        assert record.read_text("utf-8").startswith("# yaml-language-server: $schema=../../../schema/")
        assert SCHEMA.is_valid(parse_yaml_file("x", record.read_bytes()).data), record
