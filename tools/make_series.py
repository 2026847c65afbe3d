#!/usr/bin/env python3
"""Regenerate the bundled patch series (``patches/<name>/series.mbox``).

Each bundled series is described by a *recipe*, ``patches/<name>/recipe.py``:
a Python module with a ``build(s)`` function that declares the cover letter
and the patches, and for each patch the edits it makes to the mini tree as
exact-text operations (create a file, replace a block that must occur
exactly once, insert before or after such an anchor).  Exact anchors keep
the recipes readable and make any drift loud: if an earlier patch or the
mini tree changes under a later edit, the edit fails and names its patch,
file and anchor.

For every recipe the generator

1. writes the mini tree's base commit into a scratch repository with
   :func:`xenreview.apply.tree.write_base` (so ``base-commit:`` is
   ``minitree_base_id()``);
2. commits the recipe's hidden prerequisites, if any (commits the author
   had but the mini tree lacks: they show up as ``prerequisite-patch-id:``),
   then one commit per patch with the recipe's author, date and message;
3. exports them with ``git format-patch --cover-letter --thread=shallow
   --base=<base>``;
4. rewrites the headers the way ``git send-email`` sends them
   (deterministic Message-IDs, In-Reply-To/References to the cover letter,
   To: the list, Cc: the maintainers of the touched files from the tree's
   MAINTAINERS plus the people named in the trailers, minus the sender),
   fills in the cover letter and inserts the changelogs after ``---``.

Everything is fixed (identities, dates, git's environment, the signature
line), so the output is byte-identical on every run and machine with the
same mini tree.  Usage::

    python tools/make_series.py                 # rewrite every series.mbox
    python tools/make_series.py --out DIR       # write DIR/<name>/series.mbox
    python tools/make_series.py NAME...         # only these recipes
"""

from __future__ import annotations

import argparse
import email.utils
import importlib.util
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
PATCHES_DIR = REPO_ROOT / "patches"
RECIPE_FILE = "recipe.py"
OUTPUT_FILE = "series.mbox"

LIST_ADDRESS = "xen-devel@lists.xenproject.org"
# What git format-patch prints after "-- " and send-email puts in X-Mailer:
# fixed, so that the output does not depend on the installed git.
GIT_VERSION = "2.47.1"
BODY_WIDTH = 75  # xen-devel wraps commit messages at 75 columns
SUBJECT_PLACEHOLDER = "*** SUBJECT HERE ***"
BLURB_PLACEHOLDER = "*** BLURB HERE ***"


class RecipeError(Exception):
    """A recipe that cannot be built; the message names the place."""


# -- people ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Person:
        name, address = email.utils.parseaddr(text)
        if not name or "@" not in address:
            raise RecipeError(f"not a 'Full Name <address>': {text!r}")
        return cls(name, address)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def _person(value: str | Person) -> Person:
    return value if isinstance(value, Person) else Person.parse(value)


# -- the recipe vocabulary --------------------------------------------------


def block(text: str) -> str:
    """A block of code or text as written in a recipe.

    One leading newline is dropped, so that a block can start on the line
    after the opening quotes; nothing else changes (no dedent: C code is
    written flush left, exactly as it stands in the file).
    """
    return text[1:] if text.startswith("\n") else text


def prose(text: str) -> str:
    """Commit message or cover letter text: dedented, outer blank lines dropped."""
    return textwrap.dedent(block(text)).strip("\n")


@dataclass(frozen=True, slots=True)
class Edit:
    kind: str  # "create", "replace", "delete", "include"
    path: str
    old: str = ""
    new: str = ""


@dataclass
class PatchRecipe:
    """One commit: its message, its author, its edits."""

    subject: str
    body: str
    author: Person
    trailers: list[tuple[str, Person | str]] = field(default_factory=list)
    changes: str = ""  # changelog put after "---" (without its title line)
    edits: list[Edit] = field(default_factory=list)

    # edits --------------------------------------------------------------

    def create(self, path: str, text: str) -> PatchRecipe:
        self.edits.append(Edit("create", path, new=block(text)))
        return self

    def replace(self, path: str, old: str, new: str) -> PatchRecipe:
        self.edits.append(Edit("replace", path, old=block(old), new=block(new)))
        return self

    def insert_after(self, path: str, anchor: str, text: str) -> PatchRecipe:
        anchor = block(anchor)
        return self.replace(path, anchor, anchor + block(text))

    def insert_before(self, path: str, anchor: str, text: str) -> PatchRecipe:
        anchor = block(anchor)
        return self.replace(path, anchor, block(text) + anchor)

    def delete(self, path: str) -> PatchRecipe:
        self.edits.append(Edit("delete", path))
        return self

    def include(self, path: str, header: str) -> PatchRecipe:
        """Add ``#include <header>`` to the file's sorted include list."""
        self.edits.append(Edit("include", path, new=header))
        return self

    # trailers -----------------------------------------------------------

    def tag(self, name: str, value: str | Person) -> PatchRecipe:
        self.trailers.append((name, _person(value) if "@" in str(value) else value))
        return self

    def signed_off_by(self, *people: str | Person) -> PatchRecipe:
        for who in people:
            self.tag("Signed-off-by", who)
        return self

    def reviewed_by(self, who: str | Person) -> PatchRecipe:
        return self.tag("Reviewed-by", who)

    def acked_by(self, who: str | Person) -> PatchRecipe:
        return self.tag("Acked-by", who)

    def changelog(self, text: str) -> PatchRecipe:
        self.changes = prose(text)
        return self

    def message(self) -> str:
        trailers = "\n".join(f"{name}: {value}" for name, value in self.trailers)
        parts = [self.subject, self.body, trailers] if self.body else [self.subject, trailers]
        return "\n\n".join(part for part in parts if part) + "\n"


@dataclass
class SeriesRecipe:
    """A whole series as declared by a recipe's ``build()``."""

    name: str
    version: int = 1
    cover_subject: str = ""
    cover_body: str = ""
    cover_changes: str = ""  # "Changes in vN:" part of the cover letter
    sender: Person | None = None
    date: datetime | None = None
    msgid_tag: str = ""  # the middle of each Message-ID: <stamp.NN.TAG@domain>
    msgid_domain: str = "example.org"
    prerequisites: list[PatchRecipe] = field(default_factory=list)
    patches: list[PatchRecipe] = field(default_factory=list)


class SeriesBuilder:
    """What a recipe's ``build(s)`` receives."""

    def __init__(self, name: str, loader: Callable[[str], ModuleType]) -> None:
        self.recipe = SeriesRecipe(name)
        self._loader = loader

    def setup(
        self,
        *,
        sender: str | Person,
        date: str,
        msgid_tag: str,
        cover_subject: str,
        cover_body: str,
        version: int = 1,
        cover_changes: str = "",
    ) -> None:
        """Declare the series: ``date`` is the cover letter's, ISO 8601 in UTC."""
        self.recipe.sender = _person(sender)
        self.recipe.date = datetime.fromisoformat(date).replace(tzinfo=UTC)
        self.recipe.msgid_tag = msgid_tag
        self.recipe.cover_subject = cover_subject
        self.recipe.cover_body = prose(cover_body)
        self.recipe.version = version
        self.recipe.cover_changes = prose(cover_changes) if cover_changes else ""

    def patch(self, subject: str, body: str, *, author: str | Person | None = None) -> PatchRecipe:
        who = _person(author) if author is not None else self._sender()
        recipe = PatchRecipe(subject, prose(body), who)
        self.recipe.patches.append(recipe)
        return recipe

    def prerequisite(
        self, subject: str, body: str, *, author: str | Person | None = None
    ) -> PatchRecipe:
        """A commit the author's tree has below the series but the mini tree lacks."""
        who = _person(author) if author is not None else self._sender()
        recipe = PatchRecipe(subject, prose(body), who)
        self.recipe.prerequisites.append(recipe)
        return recipe

    def load(self, name: str) -> ModuleType:
        """Another recipe's module, to share code between versions of a series."""
        return self._loader(name)

    def _sender(self) -> Person:
        if self.recipe.sender is None:
            raise RecipeError(f"{self.recipe.name}: call setup() before adding patches")
        return self.recipe.sender


# -- loading recipes --------------------------------------------------------


def recipe_names(patches_dir: Path = PATCHES_DIR) -> list[str]:
    return sorted(p.parent.name for p in patches_dir.glob(f"*/{RECIPE_FILE}"))


def load_module(name: str, patches_dir: Path = PATCHES_DIR) -> ModuleType:
    path = patches_dir / name / RECIPE_FILE
    if not path.is_file():
        raise RecipeError(f"no recipe {path}")
    module_name = "xenreview_recipe_" + re.sub(r"\W", "_", name)
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RecipeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def read_recipe(name: str, patches_dir: Path = PATCHES_DIR) -> SeriesRecipe:
    module = load_module(name, patches_dir)
    build = getattr(module, "build", None)
    if not callable(build):
        raise RecipeError(f"{name}/{RECIPE_FILE} has no build(s) function")
    builder = SeriesBuilder(name, lambda other: load_module(other, patches_dir))
    build(builder)
    recipe = builder.recipe
    if recipe.sender is None or recipe.date is None or not recipe.patches:
        raise RecipeError(f"{name}: the recipe declared no series or no patches")
    return recipe


# -- checks on the recipe's text -------------------------------------------


def _check_prose(where: str, text: str) -> None:
    for no, line in enumerate(text.splitlines(), 1):
        if len(line) > BODY_WIDTH and not re.match(r"^[\w-]+: ", line):
            raise RecipeError(f"{where}, line {no}: longer than {BODY_WIDTH} columns")
        if line != line.rstrip():
            raise RecipeError(f"{where}, line {no}: trailing white space")
        if line.startswith("From "):
            raise RecipeError(f"{where}, line {no}: starts with 'From ' (mbox separator)")


# -- the scratch repository --------------------------------------------------


class Scratch:
    """A throwaway repository holding the mini tree's base commit."""

    def __init__(self, root: Path) -> None:
        from xenreview.apply.git import Git, git_executable, isolated_env
        from xenreview.apply.tree import minitree_root, tree_files, write_base

        self.work = root / "repo"
        self.work.mkdir()
        self.git = Git(git_executable(), self.work, isolated_env(), "scratch repository")
        self.git.run("init", "-q")
        self.base = write_base(self.git, tree_files(minitree_root()))
        self.git.run("checkout", "-q", "-f", "-B", "series", self.base)
        self.maintainers = Maintainers.parse((self.work / "MAINTAINERS").read_text())

    def commit(self, patch: PatchRecipe, when: datetime, where: str) -> str:
        for edit in patch.edits:
            self._apply(edit, where)
        self.git.run("add", "-A")
        stamp = f"{int(when.timestamp())} +0000"
        committer = patch.author
        env = {
            "GIT_AUTHOR_NAME": patch.author.name,
            "GIT_AUTHOR_EMAIL": patch.author.email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": stamp,
        }
        self.git.run(
            "commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", "-",
            input=patch.message().encode(), env=env,
        )  # fmt: skip
        return self.git.text("rev-parse", "HEAD")

    def _apply(self, edit: Edit, where: str) -> None:
        path = self.work / edit.path
        here = f"{where}: {edit.path}"
        if edit.kind == "create":
            if path.exists():
                raise RecipeError(f"{here}: already exists")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit.new)
            return
        if not path.is_file():
            raise RecipeError(f"{here}: no such file")
        if edit.kind == "delete":
            path.unlink()
            return
        text = path.read_text()
        if edit.kind == "include":
            path.write_text(_add_include(text, edit.new, here))
            return
        count = text.count(edit.old)
        if count != 1:
            first = edit.old.strip().splitlines()[0] if edit.old.strip() else "(empty)"
            raise RecipeError(f"{here}: the block starting {first!r} occurs {count} times")
        path.write_text(text.replace(edit.old, edit.new))


def _include_key(header: str) -> tuple[int, str]:
    group = header.split("/", 1)[0]
    return ({"xen": 0, "asm": 1, "public": 2}.get(group, 3), header)


def _add_include(text: str, header: str, where: str) -> str:
    """Insert ``#include <header>`` where it sorts among the file's includes."""
    lines = text.split("\n")
    wanted = f"#include <{header}>"
    if wanted in lines:
        raise RecipeError(f"{where}: already includes <{header}>")
    found = [i for i, line in enumerate(lines) if line.startswith("#include <")]
    if not found:
        raise RecipeError(f"{where}: no #include <...> line to sort <{header}> into")
    key = _include_key(header)
    at = next((i for i in found if _include_key(lines[i][10:-1]) > key), found[-1] + 1)
    lines.insert(at, wanted)
    return "\n".join(lines)


# -- MAINTAINERS ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    people: tuple[Person, ...]  # M: then R:, in file order
    files: tuple[re.Pattern[str], ...]
    excluded: tuple[re.Pattern[str], ...]
    keywords: tuple[re.Pattern[str], ...]

    @property
    def is_rest(self) -> bool:
        return self.title == "THE REST"

    def covers(self, path: str) -> bool:
        return any(p.fullmatch(path) for p in self.files) and not any(
            p.fullmatch(path) for p in self.excluded
        )


def _file_pattern(pattern: str) -> re.Pattern[str]:
    """A MAINTAINERS F:/X: pattern: "*" within one component, "dir/" and below."""
    body = "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern.rstrip("/"))
    return re.compile(body + ("/.*" if pattern.endswith("/") else ""))


@dataclass(frozen=True, slots=True)
class Maintainers:
    entries: tuple[Entry, ...]

    @classmethod
    def parse(cls, text: str) -> Maintainers:
        _, _, body = text.partition("-----------------------------------")
        entries: list[Entry] = []
        for chunk in re.split(r"\n\s*\n", body):
            lines = [line for line in chunk.splitlines() if line.strip()]
            if len(lines) < 2:
                continue
            fields: dict[str, list[str]] = {}
            for line in lines[1:]:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), []).append(value.strip())
            people = tuple(Person.parse(v) for v in fields.get("M", []) + fields.get("R", []))
            entries.append(
                Entry(
                    lines[0].strip(),
                    people,
                    tuple(_file_pattern(v) for v in fields.get("F", [])),
                    tuple(_file_pattern(v) for v in fields.get("X", [])),
                    tuple(re.compile(v) for v in fields.get("K", [])),
                )
            )
        return cls(tuple(entries))

    def people_for(self, paths: Iterable[str], text: str) -> list[Person]:
        """Maintainers and reviewers to copy, in MAINTAINERS order.

        An entry counts when it covers one of the paths or its K: pattern
        matches the patch text; THE REST only covers a path that no other
        entry covers.
        """
        chosen: set[str] = set()
        for path in paths:
            specific = [e for e in self.entries if not e.is_rest and e.covers(path)]
            if specific:
                chosen.update(e.title for e in specific)
            else:
                chosen.update(e.title for e in self.entries if e.is_rest and e.covers(path))
        chosen.update(e.title for e in self.entries if any(k.search(text) for k in e.keywords))
        return [p for e in self.entries if e.title in chosen for p in e.people]


# -- mail ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    from_line: str  # the mbox separator written by format-patch
    headers: dict[str, str]  # unfolded
    body: str


def _parse_format_patch(text: str) -> Mail:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers: dict[str, str] = {}
    last = ""
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and last:
            headers[last] += " " + line.strip()
        else:
            key, _, value = line.partition(":")
            last = key.strip().lower()
            headers[last] = value.strip()
    return Mail(lines[0], headers, body)


def _dedup(people: Iterable[Person], skip: set[str]) -> list[Person]:
    seen = set(skip)
    kept: list[Person] = []
    for who in people:
        if who.email.lower() not in seen:
            seen.add(who.email.lower())
            kept.append(who)
    return kept


def _trailer_people(patch: PatchRecipe) -> list[Person]:
    return [value for _, value in patch.trailers if isinstance(value, Person)]


def _touched_paths(body: str) -> list[str]:
    paths: list[str] = []
    for match in re.finditer(r"^diff --git a/(\S+) b/(\S+)$", body, re.MULTILINE):
        for path in match.groups():
            if path not in paths:
                paths.append(path)
    return paths


def _header_block(headers: Sequence[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in headers)


def _fold_addresses(people: Sequence[Person]) -> str:
    return ",\n\t".join(str(p) for p in people)


def _insert_changelog(body: str, title: str, changes: str) -> str:
    marker = "\n---\n"
    at = body.find(marker)
    if at < 0:
        raise RecipeError("no '---' line in a patch produced by format-patch")
    at += len(marker)
    return body[:at] + f"{title}\n{changes}\n\n" + body[at:]


def _fill_cover(body: str, recipe: SeriesRecipe) -> str:
    if BLURB_PLACEHOLDER not in body:
        raise RecipeError("format-patch wrote a cover letter without its placeholders")
    blurb = recipe.cover_body
    if recipe.cover_changes:
        blurb += f"\n\nChanges in v{recipe.version}:\n{recipe.cover_changes}"
    return body.replace(BLURB_PLACEHOLDER, blurb)


def render(recipe: SeriesRecipe, scratch: Scratch) -> bytes:
    """Build the recipe's commits in ``scratch`` and return the series mbox."""
    assert recipe.sender is not None and recipe.date is not None
    name = recipe.name
    _check_prose(f"{name}: cover letter", recipe.cover_body)
    start = scratch.git.text("rev-parse", "HEAD")
    for i, patch in enumerate(recipe.prerequisites, 1):
        scratch.commit(patch, recipe.date - timedelta(days=7, minutes=-i), f"{name} prereq {i}")
    first = scratch.git.text("rev-parse", "HEAD")
    for i, patch in enumerate(recipe.patches, 1):
        where = f"{name} patch {i} ({patch.subject})"
        _check_prose(where, patch.body)
        _check_prose(where, patch.changes)
        scratch.commit(patch, recipe.date + timedelta(seconds=i), where)

    outdir = scratch.work.parent / f"out-{name}"
    prefix = "PATCH" if recipe.version == 1 else f"PATCH v{recipe.version}"
    scratch.git.run(
        "format-patch", "-q", "--cover-letter", "--thread=shallow",
        f"--base={start}", f"--subject-prefix={prefix}", "--abbrev=10",
        f"--signature={GIT_VERSION}", "--no-attach", "--diff-algorithm=myers",
        "--no-renames", "-o", str(outdir), f"{first}..HEAD",
    )  # fmt: skip
    files = sorted(outdir.glob("*.patch"))
    if len(files) != len(recipe.patches) + 1:
        raise RecipeError(f"{name}: format-patch wrote {len(files)} files")

    total = len(recipe.patches)
    width = max(2, len(str(total))) if total >= 10 else 1
    stamp = recipe.date.strftime("%Y%m%d%H%M%S")

    def message_id(index: int) -> str:
        return f"<{stamp}.{index:0{width}d}.{recipe.msgid_tag}@{recipe.msgid_domain}>"

    sender = recipe.sender
    skip = {sender.email.lower(), LIST_ADDRESS}
    mails: list[tuple[Mail, list[Person]]] = []
    cover_cc: list[Person] = []
    for index, path in enumerate(files):
        mail = _parse_format_patch(path.read_text())
        if index == 0:
            mails.append((mail, []))
            continue
        patch = recipe.patches[index - 1]
        text = patch.message() + mail.body
        cc = _dedup(
            scratch.maintainers.people_for(_touched_paths(mail.body), text)
            + _trailer_people(patch),
            skip,
        )
        cover_cc.extend(cc)
        mails.append((mail, cc))
    mails[0] = (mails[0][0], _dedup(cover_cc, skip))

    out: list[str] = []
    for index, (mail, cc) in enumerate(mails):
        body = mail.body
        subject = mail.headers["subject"]
        if index == 0:
            if SUBJECT_PLACEHOLDER not in subject:
                raise RecipeError(f"{name}: format-patch wrote no cover subject placeholder")
            subject = subject.replace(SUBJECT_PLACEHOLDER, recipe.cover_subject)
            body = _fill_cover(body, recipe)
        else:
            patch = recipe.patches[index - 1]
            author = mail.headers["from"]
            if author != str(patch.author):
                raise RecipeError(f"{name} patch {index}: From: {author!r}")
            if patch.changes:
                body = _insert_changelog(body, f"Changes in v{recipe.version}:", patch.changes)
        when = recipe.date + timedelta(seconds=index)
        headers = [
            ("From", mail.headers["from"] if index else str(sender)),
            ("To", LIST_ADDRESS),
        ]
        if cc:
            headers.append(("Cc", _fold_addresses(cc)))
        headers += [
            ("Subject", subject),
            ("Date", email.utils.format_datetime(when)),
            ("Message-ID", message_id(index)),
            ("X-Mailer", f"git-send-email {GIT_VERSION}"),
        ]
        if index:
            headers += [("In-Reply-To", message_id(0)), ("References", message_id(0))]
        headers += [("MIME-Version", "1.0"), ("Content-Transfer-Encoding", "8bit")]
        if any(line.startswith("From ") for line in body.split("\n")):
            raise RecipeError(f"{name} message {index}: a body line starts with 'From '")
        out.append(mail.from_line + "\n" + _header_block(headers) + "\n" + body)
    return "".join(out).encode()


def build_series(
    names: Sequence[str], out_dir: Path, patches_dir: Path = PATCHES_DIR
) -> list[Path]:
    """Render every named recipe into ``out_dir/<name>/series.mbox``."""
    written: list[Path] = []
    for name in names:
        recipe = read_recipe(name, patches_dir)
        with tempfile.TemporaryDirectory(prefix="make-series-") as tmp:
            data = render(recipe, Scratch(Path(tmp)))
        target = out_dir / name / OUTPUT_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="recipes to build (default: all)")
    parser.add_argument("--out", type=Path, default=PATCHES_DIR, help="output folder")
    args = parser.parse_args(argv)
    names = args.names or recipe_names()
    try:
        for path in build_series(names, args.out):
            print(path)
    except RecipeError as exc:
        print(f"make_series: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:  # pragma: no cover - git itself broke
        print(f"make_series: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
