"""`xenreview pre-commit`: the staged change of a Xen tree, never the work tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.integration.hooks.conftest import BAD_STYLE, FIXTURES, GOOD_CHANGE, Repo, make_xen_repo
from tests.integration.runner import Result, run_cli


def pre_commit(repo: Repo, *args: str) -> Result:
    return run_cli(["pre-commit", "--repo", str(repo.root), *args])


def test_bad_style_on_a_staged_line_blocks(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = pre_commit(xen_repo)
    assert result.code == 1, result
    assert "xen/arch/arm/vpsci.c:28: warning STY001 tab-indentation" in result.stdout
    assert "xen/arch/arm/vpsci.c:28: warning STY007 trailing-whitespace" in result.stdout
    assert "2 findings at or above warning: commit blocked" in result.stdout
    assert result.stderr == ""


def test_a_good_change_passes_quietly(xen_repo: Repo) -> None:
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(GOOD_CHANGE[0])
    result = pre_commit(xen_repo)
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_nothing_staged_passes_quietly(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)  # in the work tree only
    assert (pre_commit(xen_repo).code, pre_commit(xen_repo).stdout) == (0, "")


def test_only_the_staged_lines_are_checked(xen_repo: Repo) -> None:
    # A line already committed with a tab is not the change's business...
    xen_repo.edit(
        "xen/arch/arm/psci.c",
        "    return 0;\n}\n\n/*\n * Local variables:",
        "    return 0;\n}\n\n\t/* old tab */\n/*\n * Local variables:",
    )
    xen_repo.stage("xen/arch/arm/psci.c")
    xen_repo.git("commit", "-q", "-m", "old style")
    # ...neither is a bad line that is in the work tree but not staged...
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(GOOD_CHANGE[0])
    xen_repo.edit(
        "xen/arch/arm/vpsci.c",
        "    return (aff1 << 4) | aff0;\n",
        "\treturn (aff1 << 4) | aff0;\n",
    )
    # ...only what is staged counts: here a clean line in the same file as the old tab.
    xen_repo.edit(
        "xen/arch/arm/psci.c",
        "\t/* old tab */\n",
        "\t/* old tab */\n\n/* A new, well-formed comment. */\n",
    )
    xen_repo.stage("xen/arch/arm/psci.c")
    result = pre_commit(xen_repo)
    assert (result.code, result.stdout) == (0, ""), result


def test_the_index_is_checked_not_the_work_tree(xen_repo: Repo) -> None:
    path, old, new = BAD_STYLE
    xen_repo.edit(path, old, new)
    xen_repo.stage(path)
    xen_repo.edit(path, new, old)  # fixed in the work tree, not staged: still blocked
    assert pre_commit(xen_repo).code == 1

    xen_repo.git("reset", "-q", "--hard")
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(path)
    xen_repo.edit(path, GOOD_CHANGE[2], GOOD_CHANGE[2] + "\t\n")  # broken, not staged: passes
    assert pre_commit(xen_repo).code == 0


def test_file_names_limit_the_check(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.edit(
        "xen/arch/arm/psci.c",
        "int __init psci_init(void)\n",
        "/* Probe the firmware once, at boot. */\nint __init psci_init(void)\n",
    )
    xen_repo.stage(BAD_STYLE[0], "xen/arch/arm/psci.c")
    assert pre_commit(xen_repo, "xen/arch/arm/psci.c").code == 0
    assert pre_commit(xen_repo, "xen/arch/arm/vpsci.c").code == 1
    absolute = str(xen_repo.path("xen/arch/arm/vpsci.c"))
    assert pre_commit(xen_repo, absolute).code == 1


def test_a_semantic_rule_runs_on_the_staged_tree(xen_repo: Repo) -> None:
    xen_repo.edit(
        "xen/arch/arm/domain.c",
        "    v->arch.cpu_info = xzalloc(struct cpu_info);\n",
        "    v->arch.cpu_info = xzalloc(struct cpu_info);\n"
        "    v->arch.cpu_info->guest_cpu_user_regs.cpsr = PSR_GUEST64_INIT;\n",
    )
    xen_repo.stage("xen/arch/arm/domain.c")
    result = pre_commit(xen_repo)
    assert result.code == 1
    assert "error ARM006 unchecked-allocation" in result.stdout
    assert "arch_vcpu_create()" in result.stdout


GUEST_BUG_ON = (
    "xen/arch/arm/vpsci.c",
    "    /* Only the level of a single vCPU is described. */\n",
    "    BUG_ON(lowest_affinity_level > 3);\n\n"
    "    /* Only the level of a single vCPU is described. */\n",
)


def test_only_changed_files_are_parsed_unless_whole_tree(xen_repo: Repo) -> None:
    xen_repo.edit(*GUEST_BUG_ON)
    xen_repo.stage(GUEST_BUG_ON[0])
    quick = pre_commit(xen_repo)
    assert quick.code == 1
    assert "error ARM003 guest-reachable-bug-on" in quick.stdout
    # The guest's path starts at the vPSCI dispatcher: traps.c was not parsed...
    assert "do_vpsci_0_2_call() ->" in quick.stdout
    assert "do_trap_hvc()" not in quick.stdout
    # ...with --whole-tree it was, and the path starts at the trap.
    whole = pre_commit(xen_repo, "--whole-tree")
    assert whole.code == 1
    assert "do_trap_hvc() ->" in whole.stdout


def test_an_inline_suppression_with_a_reason_lets_it_through(xen_repo: Repo) -> None:
    path, old, new = GUEST_BUG_ON
    xen_repo.edit(
        path,
        old,
        "    /* xenreview: ignore[ARM003] the firmware interface caps it at 3 */\n" + new,
    )
    xen_repo.stage(path)
    result = pre_commit(xen_repo)
    assert (result.code, result.stdout) == (0, ""), result


def test_fail_on_error_shows_warnings_without_blocking(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = pre_commit(xen_repo, "--fail-on", "error")
    assert result.code == 0
    assert "STY001" in result.stdout
    assert "commit blocked" not in result.stdout


def test_select_and_ignore(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = pre_commit(xen_repo, "--ignore", "STY001,trailing-whitespace")
    assert (result.code, result.stdout) == (0, "")
    result = pre_commit(xen_repo, "--select", "NOSUCH")
    assert result.code == 2
    assert "'NOSUCH' names no rule" in result.stderr


def test_a_new_file_gets_the_maintainers_reminder(xen_repo: Repo) -> None:
    shutil.copy(FIXTURES / "vsmc.c", xen_repo.path("xen/arch/arm/vsmc.c"))
    xen_repo.stage("xen/arch/arm/vsmc.c")
    result = pre_commit(xen_repo)
    assert result.code == 0, result  # a reminder never blocks
    assert (
        "reminder: this change adds xen/arch/arm/vsmc.c (covered by ARM ARCHITECTURE), and"
        " MAINTAINERS is not part of it" in " ".join(result.stdout.split())
    )
    # With MAINTAINERS in the change, no reminder.
    xen_repo.edit(
        "MAINTAINERS", "F:\txen/arch/arm/\n", "F:\txen/arch/arm/\nF:\txen/arch/arm/vsmc.c\n"
    )
    xen_repo.stage("MAINTAINERS")
    assert pre_commit(xen_repo).stdout == ""


def test_a_moved_file_gets_the_reminder_and_the_stale_pattern(xen_repo: Repo) -> None:
    xen_repo.git("mv", "xen/common/event_channel.c", "xen/common/evtchn.c")
    result = pre_commit(xen_repo)
    flat = " ".join(result.stdout.split())
    assert "moves xen/common/event_channel.c to xen/common/evtchn.c" in flat
    assert "(only THE REST covers it)" in flat
    assert "warning ACK003 stale-maintainers-pattern" in result.stdout
    assert result.code == 1


def test_the_repository_is_left_untouched(xen_repo: Repo) -> None:
    xen_repo.edit(*GUEST_BUG_ON)
    xen_repo.stage(GUEST_BUG_ON[0])
    xen_repo.edit(*BAD_STYLE)  # and an unstaged change
    shutil.copy(FIXTURES / "vsmc.c", xen_repo.path("xen/arch/arm/vsmc.c"))  # untracked
    before = xen_repo.snapshot()
    assert pre_commit(xen_repo).code == 1
    assert pre_commit(xen_repo, "--whole-tree", "--format", "json").code == 1
    assert xen_repo.snapshot() == before


def test_json_output(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = pre_commit(xen_repo, "--format", "json")
    assert result.code == 1
    document = json.loads(result.stdout)
    assert document["check"] == "pre-commit"
    assert [f["code"] for f in document["findings"]] == ["STY001", "STY007"]
    assert document["findings"][0]["location"]["path"] == "xen/arch/arm/vpsci.c"
    assert document["failing"] == 2
    codes = document["rules_run"]
    assert "STY001" in codes and "ARM003" in codes
    assert not any(code.startswith(("MSG", "SER")) for code in codes)
    assert "ACK001" not in codes
    assert document["tool_errors"] == []


def test_the_first_commit_of_a_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "new")
    repo.root.mkdir()
    repo.git("init", "-q")
    repo.write("xen/common/first.c", "/* SPDX-License-Identifier: GPL-2.0-only */\n\tint x;\n")
    repo.stage("xen/common/first.c")
    result = pre_commit(repo)
    assert result.code == 1
    assert "xen/common/first.c:2: warning STY001 tab-indentation" in result.stdout


def test_outside_a_repository(tmp_path: Path) -> None:
    result = run_cli(["pre-commit", "--repo", str(tmp_path)])
    assert result.code == 2
    assert "not a git repository" in result.stderr


def test_from_a_subfolder_without_repo(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = run_cli(["pre-commit"], cwd=xen_repo.path("xen/arch"))
    assert result.code == 1
    assert "xen/arch/arm/vpsci.c:28" in result.stdout


def test_a_large_tree_is_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The staged change is read with git; only the changed C file is parsed."""
    repo = make_xen_repo(tmp_path / "big")
    for k in range(3):
        shutil.copytree(repo.path("xen"), repo.path(f"xen/copy{k}"))
    repo.stage("xen")
    repo.git("commit", "-q", "-m", "copies")
    repo.edit(*BAD_STYLE)
    repo.stage(BAD_STYLE[0])
    from xenreview.code import parse

    calls: list[str] = []
    original = parse.parse_c

    def counting(data: bytes, path: str) -> object:
        calls.append(path)
        return original(data, path)

    monkeypatch.setattr(parse, "parse_c", counting)
    assert pre_commit(repo).code == 1
    assert set(calls) == {"xen/arch/arm/vpsci.c"}


def test_symbolic_links_are_not_checked_as_files(xen_repo: Repo) -> None:
    xen_repo.path("xen/arch/arm/alias.c").symlink_to("vpsci.c")
    xen_repo.stage("xen/arch/arm/alias.c")
    result = pre_commit(xen_repo, "--format", "json")
    document = json.loads(result.stdout)
    assert (result.code, document["findings"], document["reminders"]) == (0, [], [])


def test_a_crashing_rule_is_reported_with_exit_code_3(xen_repo: Repo) -> None:
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    result = pre_commit(xen_repo, "--rules-dir", str(FIXTURES / "rules_crash"))
    assert result.code == 3
    assert "STY001" in result.stdout  # the other rules still ran and are shown
    assert "rule TST901" in result.stderr
    assert "the hook fixture rule crashed" in result.stderr
