"""New source folders that no MAINTAINERS entry covers.

**What it flags**
A patch that creates a new folder of code (it adds ``<folder>/Makefile``,
which every Xen source folder has) when, in the tree's MAINTAINERS after
the whole series, no entry other than THE REST covers that folder or any
file the patch adds to it.  Folders of headers only, and files added to
existing folders, are left alone: most of them belong to THE REST on
purpose.

**Why it matters for Xen**
Files that only THE REST covers land on the desks of the few people who
maintain everything else, and get_maintainer will Cc nobody who knows the
new code.  Reviewers ask whoever adds a new driver, subsystem or
architecture folder to add a MAINTAINERS entry for it (often naming
themselves), in the same series.

**Example**
    xen/common: Add a power-state manager

     xen/common/Makefile        |  1 +
     xen/common/pm/Makefile     |  1 +
     xen/common/pm/pm.c         | 48 ++++++++++++++++++++

**Suggested fix**
Add an entry to MAINTAINERS, in alphabetical order, with the people who
will look after the folder (``M:``), the list (``L:``), a status (``S:``)
and ``F: xen/common/pm/``; put it in the patch that adds the folder or in
another patch of the same series.

**References**
Xen's MAINTAINERS file, "Descriptions of section entries" and THE REST
catch-all; docs/process: new code comes with someone to maintain it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from xenreview.diff.model import FileStatus
from xenreview.ingest.model import Patch, Severity
from xenreview.maintainers import maintainers_for
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="ACK002",
    name="new-directory-without-maintainer",
    family="maintainers",
    scope=Scope.PATCH,
    severity=Severity.NOTE,
    needs_tree=True,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    added = [
        f.path
        for f in patch.diff.files
        if f.status in {FileStatus.ADDED, FileStatus.COPIED, FileStatus.RENAMED}
    ]
    folders = [
        posixpath.dirname(path)
        for path in added
        if posixpath.basename(path) == "Makefile" and posixpath.dirname(path)
    ]
    if not folders:
        return
    maintainers = maintainers_for(ctx)
    if maintainers is None:
        return
    for folder in folders:
        if ctx.read_before(f"{folder}/Makefile") is not None:
            continue
        inside = [path for path in added if path.startswith(folder + "/")]
        if any(maintainers.matches(path) for path in inside):
            continue
        yield ctx.finding(
            RULE,
            f"This patch creates {folder}/ but no MAINTAINERS entry covers it, so only THE"
            " REST's maintainers could ack changes there: add an entry naming who looks after"
            f" it, with `F: {folder}/`.",
            path=f"{folder}/Makefile",
            key=folder,
        )
