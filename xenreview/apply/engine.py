"""Applying a series to a tree, patch by patch, in a temporary repository.

The repository
    Everything happens in a new repository under a temporary directory
    (:class:`~xenreview.apply.git.Workspace`), removed when the returned
    :class:`~xenreview.apply.model.AppliedSeries` is closed, and at once if
    anything goes wrong, including Ctrl-C.  For the mini tree it holds the
    tree's reproducible base commit (:mod:`xenreview.apply.tree`).  For
    ``--tree PATH`` it *borrows* the user's objects read-only through
    ``objects/info/alternates``, as ``git clone --shared`` does, but without
    copying the user's refs: new objects go to the temporary repository only.
    A ``git worktree`` is not used because it writes under the user's
    ``.git/worktrees``; the user's work tree, index, refs, stash and config
    are never written (the only commands run in the user's repository are
    the reads ``rev-parse``, ``cat-file --batch-check`` and ``rev-list``,
    with ``GIT_OPTIONAL_LOCKS=0``).  This is checked by hashing every file of
    a test repository, ``.git`` included, before and after.

The base
    ``--base``, else the series' ``base-commit:``, else HEAD (the mini tree's
    only commit by default).  Before applying, each file's blob id from the
    ``index`` lines is compared with the base (:mod:`xenreview.apply.base`);
    with ``--find-base`` a base that does not fit is replaced by the newest
    commit of the tree's recent history where every blob matches.

Applying
    One ``git am --3way`` run applies as many patches as it can, keeping
    each patch's author, date and message; the committer and its date are
    fixed, so commit ids depend only on the inputs.  Only the files the
    series touches are checked out (a sparse checkout) unless a build check
    needs the whole tree.  When a patch fails, ``git apply --check -v`` on
    the same tree says which hunk, and :mod:`xenreview.apply.diagnose` finds
    the nearest lines and why; later patches that touch a file of a failed
    (or not attempted) patch are not attempted, the others are applied by a
    new ``git am`` run.  Where a patch's blobs before and after are the ones
    its ``index`` lines name, its hunks landed where they say; otherwise
    :mod:`xenreview.apply.offsets` replays it to find where they landed (and
    asks ``git apply -v`` when the replay does not give git's result).

The mini tree
    Its base commit is cached under the user's cache folder
    (:func:`xenreview.apply.tree.cached_objects`) and borrowed the same way;
    without a usable cache it is imported into the temporary repository.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xenreview.apply import base as base_mod
from xenreview.apply.build import command_check, minitree_check
from xenreview.apply.diagnose import ApplyReport, failure, hunk_offsets, parse_apply
from xenreview.apply.git import Git, Workspace, git_executable, init_layout, user_env
from xenreview.apply.mbox import series_mbox
from xenreview.apply.model import (
    AppliedSeries,
    BaseCheck,
    BaseSource,
    BuildResult,
    HunkFailure,
    HunkOffset,
    Outcome,
    PatchResult,
)
from xenreview.apply.offsets import locate
from xenreview.apply.tree import (
    MINITREE_LABEL,
    cached_objects,
    minitree_root,
    tree_files,
    write_base,
)
from xenreview.diff.model import FileDiff, FileStatus, LineKind
from xenreview.errors import DiffError, InputError, InternalError
from xenreview.ingest.model import Patch, Series, Severity

FIND_BASE_DEPTH = 1000
_THREE_WAY = ("Falling back to patching base and 3-way merge", "Using index info to reconstruct")
_ALREADY_APPLIED = "No changes -- Patch already applied."
_SPARSE_SPECIAL = re.compile(r"([\\*?\[\]])")


def apply_series(
    series: Series,
    *,
    tree: Path | None = None,
    base: str | None = None,
    find_base: bool = False,
    build: bool = False,
    build_command: Sequence[str] | None = None,
    keep: Path | None = None,
    find_base_depth: int = FIND_BASE_DEPTH,
) -> AppliedSeries:
    """Apply ``series`` to ``tree`` (None: the bundled mini tree).

    The result owns a temporary repository: use it as a context manager or
    call ``close()``.  Raises :class:`~xenreview.errors.InputError` for a
    tree that is not a git repository, an unknown ``base``, a missing git
    or build command, or a ``keep`` directory that is not empty.
    """
    executable = git_executable()
    check_paths(series)
    if build and tree is not None and not build_command:
        raise InputError("a build check on a real tree needs a build command", source="--build")
    if keep is not None:
        _check_keep(keep)
    workspace = Workspace(executable, MINITREE_LABEL if tree is None else str(tree))
    try:
        return _Run(series, workspace, tree, build, build_command).run(
            base, find_base, find_base_depth, keep
        )
    except BaseException:
        workspace.close()
        raise


# -- input checks ----------------------------------------------------------------


def check_paths(series: Series) -> None:
    """Refuse any path that could reach outside the repository.

    That is a path with ``..``, ``.`` or ``.git`` components or an absolute
    one; a symbolic link (mode 120000) pointing outside the tree or into a
    ``.git`` directory; and any file written through a symbolic link the
    series made (``xen/evil -> /tmp/x`` then ``xen/evil/file``).  git itself
    refuses to write "beyond a symbolic link"; this says why, before any
    repository is made.
    """
    links: dict[str, int] = {}  # symlink made by the series -> the patch that made it
    for patch in series.patches:
        for f in patch.diff.files:
            for path in (f.source_path, f.target_path):
                if path is not None and not _safe_path(path):
                    raise _unsafe(patch, f"unsafe path in diff: {path!r}")
        made = _links_made(patch, links)
        links.update(made)
        for f in patch.diff.files:
            for path in {f.source_path, f.target_path} - {None}:
                assert path is not None
                through = next((p for p in _parents(path) if p in links), None)
                if through is not None:
                    raise _unsafe(
                        patch,
                        f"{path!r} is written through the symbolic link {through!r} "
                        f"(made by patch {links[through]}): refusing to apply",
                    )
            if f.status is FileStatus.DELETED or f.new_mode not in (None, SYMLINK_MODE):
                links.pop(f.path, None)  # the link is gone, or now a regular file


SYMLINK_MODE = "120000"


def _unsafe(patch: Patch, message: str) -> DiffError:
    return DiffError(
        message,
        source=patch.message.source or None,
        where=patch.message.where or f"patch {patch.number}",
    )


def _parents(path: str) -> list[str]:
    """``a/b/c`` -> ``["a", "a/b"]``: the directories a write to ``path`` goes through."""
    parts = path.split("/")
    return ["/".join(parts[:k]) for k in range(1, len(parts))]


def _links_made(patch: Patch, links: dict[str, int]) -> dict[str, int]:
    """The symbolic links ``patch`` makes (or moves), each checked to point inside the tree."""
    made: dict[str, int] = {}
    for f in patch.diff.files:
        if f.status is FileStatus.DELETED or f.target_path is None:
            continue
        if f.new_mode == SYMLINK_MODE:
            target = "".join(
                line.value for hunk in f.hunks for line in hunk.lines if line.kind is LineKind.ADDED
            )
            if f.hunks and not _link_inside(f.target_path, target):
                raise _unsafe(
                    patch,
                    f"symbolic link {f.target_path!r} points outside the tree ({target!r}): "
                    "refusing to apply",
                )
            made[f.target_path] = patch.number
        elif f.source_path in links and f.status in (FileStatus.RENAMED, FileStatus.COPIED):
            made[f.target_path] = patch.number  # a link the series made, moved or copied
    return made


def _link_inside(link: str, target: str) -> bool:
    """Whether the link ``link -> target`` stays inside the tree (and out of ``.git``)."""
    if not target or target.startswith("/") or "\0" in target or "\n" in target:
        return False
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link), target))
    parts = resolved.split("/")
    return ".." not in parts and all(part.lower() != ".git" for part in parts)


def _safe_path(path: str) -> bool:
    # Split by hand: PurePosixPath would drop the "." and empty parts it normalises away.
    parts = path.split("/")
    return (
        bool(path)
        and not path.startswith("/")
        and "\0" not in path
        and all(part not in ("", "..", ".") and part.lower() != ".git" for part in parts)
    )


def _check_keep(keep: Path) -> None:
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise InputError("not an empty directory: refusing to write into it", source=str(keep))


def _paths(patch: Patch) -> frozenset[str]:
    return frozenset(
        p for f in patch.diff.files for p in (f.source_path, f.target_path) if p is not None
    )


def _unusable(patch: Patch) -> str | None:
    """Why a patch cannot be given to git at all, or None."""
    errors = [p for p in patch.problems if p.severity is Severity.ERROR]
    if errors:
        return f"its diff could not be read: {errors[0].message}"
    if patch.reconstructed:
        return "its diff was recovered from a web-archive copy and cannot be applied as is"
    if not patch.diff.files:
        return "it carries no diff"
    return None


# -- the run ---------------------------------------------------------------------


@dataclass(slots=True)
class _Applied:
    index: int
    commit: str | None
    parent: str
    three_way: bool
    already: bool = False


def _sections(stdout: str) -> list[str]:
    """``git am``'s standard output cut at each ``Applying:`` line."""
    out: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("Applying: "):
            out.append("")
        elif out:
            out[-1] += line + "\n"
    return out


def _sparse_pattern(path: str) -> str:
    escaped = _SPARSE_SPECIAL.sub(r"\\\1", path)
    stripped = escaped.rstrip(" ")
    return "/" + stripped + "\\ " * (len(escaped) - len(stripped))


class _Run:
    def __init__(
        self,
        series: Series,
        workspace: Workspace,
        tree: Path | None,
        build: bool,
        build_command: Sequence[str] | None,
    ) -> None:
        self.series = series
        self.patches = series.patches
        self.ws = workspace
        self.git = workspace.git
        self.tree = tree
        self.build = build
        self.build_command = tuple(build_command or ())
        self.user: Git | None = None
        self.mini_id = ""
        self.notes: list[str] = []

    # -- setting up ----------------------------------------------------------

    def run(
        self, base: str | None, find_base: bool, depth: int, keep: Path | None
    ) -> AppliedSeries:
        self._create()
        commit, source = self._resolve(base)
        wanted = base_mod.expectations(self.series)
        checks = base_mod.check(self._lookup, commit, wanted)
        if find_base and not all(c.matches for c in checks):
            commit, source, checks = self._find(commit, source, checks, wanted, depth)
        if source is None:
            source = BaseSource.MINI_TREE if self.tree is None else BaseSource.HEAD
        self._checkout(commit)
        results = self._apply_all(commit)
        builds = self._build_all(commit, results) if self.build else ()
        applied = AppliedSeries(
            series=self.series,
            tree=MINITREE_LABEL if self.tree is None else str(self.tree),
            base=commit,
            base_source=source,
            checks=checks,
            results=results,
            builds=builds,
            notes=tuple(self.notes),
            reader=self.ws,
        )
        if keep is not None:
            self._keep(
                applied.commit_after(self.patches[-1].number) if self.patches else commit, keep
            )
        return applied

    def _create(self) -> None:
        if self.tree is None:
            files = tree_files(minitree_root())
            self._init("sha1")
            cached = cached_objects(files, self.git.executable)
            if cached is None:
                self.mini_id = write_base(self.git, files, verify=False)
            else:
                self.mini_id, objects = cached
                self._borrow(objects)
            return
        if not self.tree.is_dir():
            raise InputError("no such directory", source=str(self.tree))
        self.user = Git(self.git.executable, self.tree, user_env(), str(self.tree))
        proc = self.user.run(
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "objects",
            "--show-object-format",
            check=False,
        )
        lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
        if proc.returncode != 0 or len(lines) != 2:
            raise InputError("not a git repository", source=str(self.tree))
        self._init(lines[1])
        self._borrow(Path(lines[0]))

    def _init(self, object_format: str) -> None:
        init_layout(self.ws.repo / ".git", object_format)
        self.ws.bind()

    def _borrow(self, objects: Path) -> None:
        """Read (never write) another repository's objects."""
        alternates = self.ws.repo / ".git" / "objects" / "info" / "alternates"
        alternates.write_text(f"{objects}\n", encoding="utf-8", errors="surrogateescape")

    def _lookup(self, names: Sequence[str]) -> list[tuple[str, str] | None]:
        """``(id, type)`` of objects of the temporary repository, through the reader."""
        return [(f[0], f[1]) if f is not None else None for f in self.ws.reader.objects(names)]

    def _resolve(self, base: str | None) -> tuple[str, BaseSource | None]:
        """The base commit and its source (None: the default, decided later)."""
        declared = self.series.base_commit
        if self.user is None:  # the mini tree: one commit, known in advance
            if base in ("HEAD", "@"):
                return self.mini_id, BaseSource.OPTION
            if base is not None:
                found = self._lookup([f"{base}^{{commit}}"])[0]
                if found is None:
                    raise InputError(f"unknown revision '{base}'", source="--base")
                return found[0], BaseSource.OPTION
            if declared and len(declared) >= 4 and self.mini_id.startswith(declared.lower()):
                return self.mini_id, BaseSource.BASE_COMMIT
            if declared:
                self.notes.append(
                    f"base-commit {declared[:12]} is not the mini tree's base: "
                    "applying to the mini tree instead"
                )
            return self.mini_id, None
        wanted = [base] if base is not None else [*([declared] if declared else []), "HEAD"]
        answers = self.user.batch_check([f"{rev}^{{commit}}" for rev in wanted])
        if base is not None:
            if answers[0] is None:
                raise InputError(f"unknown revision '{base}'", source="--base")
            return answers[0][0], BaseSource.OPTION
        if declared:
            if answers[0] is not None:
                return answers[0][0], BaseSource.BASE_COMMIT
            self.notes.append(
                f"base-commit {declared[:12]} is not in the tree: applying to HEAD instead"
            )
        head = answers[-1]
        if head is None:
            raise InputError("the repository has no commit (HEAD)", source=self.user.source)
        return head[0], None

    def _find(
        self,
        commit: str,
        source: BaseSource | None,
        checks: tuple[BaseCheck, ...],
        wanted: Sequence[base_mod.Expectation],
        depth: int,
    ) -> tuple[str, BaseSource | None, tuple[BaseCheck, ...]]:
        candidates: list[str] = []
        if self.user is not None:
            candidates = self.user.text("rev-list", f"--max-count={depth}", "HEAD").split()
        found = base_mod.search(self.git.batch_check, candidates, wanted) if wanted else None
        if found is None:
            searched = f"the last {len(candidates)} commits of HEAD" if candidates else "the tree"
            self.notes.append(
                f"--find-base: no commit in {searched} has every blob the series expects"
            )
            return commit, source, checks
        return found, BaseSource.FIND_BASE, base_mod.check(self._lookup, found, wanted)

    def _checkout(self, commit: str) -> None:
        paths = sorted({p for patch in self.patches for p in _paths(patch)})
        if not self.build and all("\n" not in p for p in paths):
            info = self.ws.repo / ".git" / "info"
            info.mkdir(exist_ok=True)
            patterns = [".gitattributes", *(_sparse_pattern(p) for p in paths)]
            (info / "sparse-checkout").write_text(
                "".join(p + "\n" for p in patterns), encoding="utf-8", errors="surrogateescape"
            )
            with (self.ws.repo / ".git" / "config").open("a", encoding="utf-8") as handle:
                handle.write("[core]\n\tsparseCheckout = true\n")
        self.git.run("checkout", "-q", "--detach", commit)

    # -- applying --------------------------------------------------------------

    def _apply_all(self, base: str) -> tuple[PatchResult, ...]:
        results: dict[int, PatchResult] = {}
        blame: dict[str, int] = {}  # path -> the failed patch that makes it unusable
        queue: list[int] = []
        for index, patch in enumerate(self.patches):
            why = _unusable(patch)
            if why is None:
                queue.append(index)
                continue
            results[index] = PatchResult(
                patch.number, patch.subject.title, Outcome.NOT_ATTEMPTED, None, reason=why
            )
            if patch.diff.files:
                blame.update(dict.fromkeys(_paths(patch), patch.number))
        queue = self._drop_dependents(queue, blame, results)
        applied: list[_Applied] = []
        tip = base
        while queue:
            done, failed_at, tip = self._am(queue, tip)
            applied.extend(done)
            if failed_at is None:
                break
            index, stdout, stderr = failed_at
            results[index] = self._diagnose(index, tip, stdout, stderr)
            blame.update(dict.fromkeys(_paths(self.patches[index]), self.patches[index].number))
            rest = queue[queue.index(index) + 1 :]
            queue = self._drop_dependents(rest, blame, results)
        blobs = self._blobs(applied)
        for item in applied:
            results[item.index] = self._applied_result(item, blobs)
        return tuple(results[i] for i in range(len(self.patches)))

    def _drop_dependents(
        self, queue: list[int], blame: dict[str, int], results: dict[int, PatchResult]
    ) -> list[int]:
        keep: list[int] = []
        for index in queue:
            patch = self.patches[index]
            paths = _paths(patch)
            hit = sorted(paths & blame.keys())
            if not hit:
                keep.append(index)
                continue
            depends = tuple(sorted({blame[p] for p in hit}))
            numbers = ", ".join(str(n) for n in depends)
            results[index] = PatchResult(
                patch.number,
                patch.subject.title,
                Outcome.NOT_ATTEMPTED,
                None,
                depends_on=depends,
                reason=f"depends on patch {numbers} (touches {hit[0]})",
            )
            for path in paths:
                blame.setdefault(path, patch.number)
        return keep

    def _am(
        self, queue: list[int], tip: str
    ) -> tuple[list[_Applied], tuple[int, str, str] | None, str]:
        """One ``git am`` run; what applied, what failed (index, its output), the new tip."""
        mbox = series_mbox(self.patches[i] for i in queue)
        proc = self.git.run(
            "am", "--3way", "--keep", "--keep-cr", "--patch-format=mboxrd", input=mbox, check=False
        )
        stdout = proc.stdout.decode("utf-8", "replace")
        stderr = proc.stderr.decode("utf-8", "replace")
        sections = _sections(stdout)
        commits = self._commits_since(tip, len(queue))
        done: list[_Applied] = []
        parent = tip
        made = iter(commits)
        for position, section in enumerate(sections[: len(queue)]):
            three_way = any(marker in section for marker in _THREE_WAY)
            if _ALREADY_APPLIED in section:
                done.append(_Applied(queue[position], None, parent, three_way, already=True))
                continue
            commit = next(made, None)
            if commit is None:
                break  # the patch git am stopped at
            done.append(_Applied(queue[position], commit, parent, three_way))
            parent = commit
        new_tip = commits[-1] if commits else tip
        if len(done) == len(queue):
            if proc.returncode != 0:
                self.git.run("am", "--quit", check=False)
            return done, None, new_tip
        failed = queue[len(done)]
        section = sections[len(done)] if len(done) < len(sections) else ""
        self.git.run("am", "--quit", check=False)
        self.git.run("reset", "-q", "--hard", new_tip)
        return done, (failed, section, stderr), new_tip

    def _diagnose(self, index: int, tip: str, section: str, stderr: str) -> PatchResult:
        patch = self.patches[index]
        files = patch.diff.files
        diff = patch.diff.text()
        proc = self.git.run(
            "apply",
            "--cached",
            "--check",
            "-v",
            "-",
            input=(diff if diff.endswith("\n") else diff + "\n").encode("utf-8", "surrogateescape"),
            check=False,
        )
        report = parse_apply(proc.stderr.decode("utf-8", "replace"))
        failures = self._failures(files, report, tip)
        blobs = {
            f.index_source.lower(): f.source_path
            for f in files
            if f.source_path and f.index_source and not base_mod.is_null(f.index_source)
        }
        missing = base_mod.missing_blobs(self._lookup, list(blobs))
        conflicts = tuple(line for line in section.splitlines() if line.startswith("CONFLICT"))
        if missing:
            named = ", ".join(f"{blobs[b]} ({b})" for b in missing)
            return PatchResult(
                patch.number,
                patch.subject.title,
                Outcome.BASE_MISSING,
                None,
                failures=failures,
                conflicts=conflicts,
                missing_blobs=missing,
                reason=f"made against blobs that are not in the tree: {named}",
            )
        return PatchResult(
            patch.number,
            patch.subject.title,
            Outcome.CONFLICT,
            None,
            failures=failures,
            conflicts=conflicts,
            reason=_conflict_reason(failures, conflicts, report, stderr),
        )

    def _failures(
        self, files: Sequence[FileDiff], report: ApplyReport, tip: str
    ) -> tuple[HunkFailure, ...]:
        out: list[HunkFailure] = []
        for path, start in report.failed:
            f = _file_named(files, path)
            content = self.ws.read_blob(tip, (f.source_path if f else None) or path)
            out.append(failure(f, path, start, "patch does not apply", content))
        for path, message in report.file_errors:
            f = _file_named(files, path)
            content = self.ws.read_blob(tip, path)
            out.append(failure(f, path, None, message, content))
        return tuple(out)

    # -- offsets ---------------------------------------------------------------

    def _blobs(self, applied: Sequence[_Applied]) -> dict[str, tuple[str, str, bytes] | None]:
        """The blobs before and after each plainly applied patch, by ``commit:path``."""
        names = [
            name
            for item in applied
            if item.commit is not None and not item.three_way
            for f in self.patches[item.index].diff.files
            if f.source_path and f.target_path and f.hunks
            for name in (f"{item.parent}:{f.source_path}", f"{item.commit}:{f.target_path}")
        ]
        return dict(zip(names, self.ws.reader.objects(names), strict=True))

    def _offsets(
        self, item: _Applied, blobs: dict[str, tuple[str, str, bytes] | None]
    ) -> tuple[HunkOffset, ...]:
        """The hunks of a plainly applied patch that landed away from their line."""
        assert item.commit is not None
        moved: list[HunkOffset] = []
        for f in self.patches[item.index].diff.files:
            if not (f.source_path and f.target_path and f.hunks):
                continue
            before = blobs.get(f"{item.parent}:{f.source_path}")
            after = blobs.get(f"{item.commit}:{f.target_path}")
            if before is None or after is None:
                return self._offsets_from_git(item)
            if _same(f.index_source, before[0]) and _same(f.index_target, after[0]):
                continue  # the very blobs the patch was made from and to
            found = locate(f, before[2], after[2])
            if found is None:
                return self._offsets_from_git(item)
            moved.extend(found)
        return tuple(moved)

    def _offsets_from_git(self, item: _Applied) -> tuple[HunkOffset, ...]:
        env = {"GIT_INDEX_FILE": str(self.ws.root / "offsets.index")}
        self.git.run("read-tree", item.parent, env=env)
        patch = self.patches[item.index]
        diff = patch.diff.text()
        proc = self.git.run(
            "apply",
            "--cached",
            "--check",
            "-v",
            "-",
            input=(diff if diff.endswith("\n") else diff + "\n").encode("utf-8", "surrogateescape"),
            env=env,
            check=False,
        )
        return hunk_offsets(patch.diff.files, parse_apply(proc.stderr.decode("utf-8", "replace")))

    def _applied_result(
        self, item: _Applied, blobs: dict[str, tuple[str, str, bytes] | None]
    ) -> PatchResult:
        patch = self.patches[item.index]
        if item.three_way or item.commit is None:
            reason = "no changes: already in the tree" if item.already else ""
            return PatchResult(
                patch.number, patch.subject.title, Outcome.APPLIED_3WAY, item.commit, reason=reason
            )
        offsets = self._offsets(item, blobs)
        outcome = Outcome.APPLIED_OFFSET if offsets else Outcome.APPLIED
        return PatchResult(patch.number, patch.subject.title, outcome, item.commit, offsets)

    def _commits_since(self, tip: str, limit: int) -> list[str]:
        """The commits from ``tip`` (excluded) to HEAD, oldest first (a linear chain)."""
        chain: list[str] = []
        current = self.ws.reader.object("HEAD")
        while current is not None and current[0] != tip and len(chain) <= limit:
            chain.append(current[0])
            parent = next(
                (
                    line[7:]
                    for line in current[2].decode("utf-8", "replace").splitlines()
                    if line.startswith("parent ")
                ),
                None,
            )
            current = self.ws.reader.object(parent) if parent else None
        if current is None or current[0] != tip:
            raise InternalError("git am left HEAD off the series' chain", source="git am")
        return chain[::-1]

    # -- build and keep ---------------------------------------------------------

    def _build_all(self, base: str, results: tuple[PatchResult, ...]) -> tuple[BuildResult, ...]:
        states = [(0, base)] + [(r.number, r.commit) for r in results if r.commit is not None]
        builds: list[BuildResult] = []
        for number, commit in states:
            self.git.run("checkout", "-q", "-f", "--detach", commit)  # over build artefacts
            if self.tree is None:
                builds.append(minitree_check(self.ws.repo, number))
            else:
                builds.append(command_check(self.ws.repo, self.build_command, number))
        return tuple(builds)

    def _keep(self, commit: str, keep: Path) -> None:
        keep.mkdir(parents=True, exist_ok=True)
        env = {"GIT_INDEX_FILE": str(self.ws.root / "keep.index")}
        no_sparse = ("-c", "core.sparseCheckout=false")
        self.git.run(*no_sparse, "read-tree", commit, env=env)
        prefix = str(keep.resolve()) + "/"
        self.git.run(*no_sparse, "checkout-index", "-a", "-f", f"--prefix={prefix}", env=env)


def _same(expected: str | None, found: str) -> bool:
    return bool(expected) and found.startswith(str(expected).lower())


def _file_named(files: Sequence[FileDiff], path: str) -> FileDiff | None:
    for f in files:
        if path in (f.target_path, f.source_path):
            return f
    return None


def _conflict_reason(
    failures: Sequence[HunkFailure], conflicts: Sequence[str], report: ApplyReport, stderr: str
) -> str:
    merge = "; the 3-way merge conflicts" if conflicts else ""
    if failures:
        first = failures[0]
        if first.hunk is not None:
            return f"{first.path}: hunk #{first.hunk} does not apply ({first.explanation}){merge}"
        return f"{first.path}: {first.reason}{merge}"
    if report.errors:
        return report.errors[0] + merge
    from xenreview.apply.git import first_error

    return first_error(stderr) + merge
