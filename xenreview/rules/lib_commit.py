"""Shared helpers of the commit-message (MSG) and series (SER) rules.

Everything here is pure and cheap: the subject's ``area:`` chain and how it
maps onto the paths a patch touches, the shapes of trailers, changelog
notes, version numbers, a patch's "range-diff" signature, and the small
bridges to the apply stage (``ctx.data["applied"]``) and to the tree's
history (``ctx.data["commit_lookup"]``).

The area mapping (documented here once, used by ``subject-area-mismatch``):

* an area *names an architecture* when one of its components (split on
  ``/``, ``,``, ``+``, ``&`` and blanks, compared case-insensitively) is an
  architecture word: ``arm``, ``arm32``, ``arm64``, ``aarch32``,
  ``aarch64`` (Arm); ``x86``, ``x86_64``, ``x86-64``, ``x86_32``, ``vmx``,
  ``svm``, ``vt-x``, ``vt-d``, ``vtd``, ``amd-vi`` (x86); ``riscv``,
  ``risc-v``, ``riscv64`` (RISC-V); ``ppc``, ``ppc64`` (PPC);
* a path *belongs to an architecture* when it is under ``xen/arch/<arch>/``
  or ``xen/include/asm-<arch>/``, is ``xen/include/public/arch-<arch>*``,
  is under ``xen/drivers/passthrough/<arch>/`` (``vtd`` and ``amd`` count
  as x86), or, elsewhere (tools, docs), has a path component named after
  the architecture or a file name ending in ``_<arch>`` / ``-<arch>``
  before its extension (``libxl_arm.c``, ``xg_dom_x86.c``);
* an area *names a common subsystem* when its first component (after an
  optional ``xen/``) is one whose code lives only under ``xen/common/``:
  ``common``, ``sched``, ``cpupool``, ``evtchn``, ``event_channel``,
  ``gnttab``, ``grant_table``, ``rcu``, ``rcupdate``, ``tasklet``,
  ``softirq``, ``hypfs``, ``argo``, ``page_alloc``, ``xmalloc``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from xenreview.apply.model import AppliedSeries
from xenreview.ingest.model import Cover, Patch, Person, Series, Trailer
from xenreview.rules.api import Context

__all__ = [
    "ARCH_NAMES",
    "COMMON_AREAS",
    "DOC_ONLY_FILES",
    "REVIEW_TAGS",
    "CommitLookup",
    "FixesRef",
    "Stray",
    "applied_of",
    "arch_of_path",
    "area_arches",
    "area_chain",
    "changed_line_count",
    "commit_lookup",
    "common_area",
    "cover_has_changelog",
    "diff_signature",
    "is_diffstat_line",
    "is_email",
    "is_real_tree",
    "is_stray",
    "looks_stray",
    "notes_have_changelog",
    "parse_commit_object",
    "parse_fixes",
    "patch_context",
    "same_person",
    "stray_home",
    "strays",
    "touched_paths",
    "trailer_people",
    "version_key",
]

REVIEW_TAGS: Final = frozenset({"Reviewed-by", "Acked-by", "Tested-by", "Release-Acked-by"})
"""Tags given by someone who looked at the patch after it was written."""

DOC_ONLY_FILES: Final = frozenset({"MAINTAINERS", "CHANGELOG.md", "SUPPORT.md", "CREDITS"})
"""Files whose changes speak for themselves (no commit message body needed)."""

# -- the subject's area ---------------------------------------------------------

# A segment is ``W(?:(?:,[ \t]?|[ \t]*[&+][ \t]*|/)W)*``, W a word ``[A-Za-z0-9_.{}*+-]``
# then ``[A-Za-z0-9_./{}*+-]*``.  As a regular expression it backtracks exponentially ("+"
# and "/" both join words and belong to them: 2 s on 48 characters), so it is read by
# _is_segment, one character at a time, keeping every state the text can be in.
_WORD_FIRST: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.{}*+-"
)
_WORD_CHAR: Final = _WORD_FIRST | {"/"}
_SEGMENT_MOVES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    # state: (kind of character, next state)...
    "start": (("first", "word"),),
    "word": (
        ("char", "word"),
        (",", "comma"),
        ("blank", "blanks"),
        ("&+", "joiner"),
        ("/", "slash"),
    ),
    "comma": (("blank", "comma blank"), ("first", "word")),
    "comma blank": (("first", "word"),),
    "blanks": (("blank", "blanks"), ("&+", "joiner")),
    "joiner": (("blank", "joiner"), ("first", "word")),
    "slash": (("first", "word"),),
}
_MAX_AREA: Final = 48

_ARCH_WORDS: Final[dict[str, str]] = {
    "arm": "arm",
    "arm32": "arm",
    "arm64": "arm",
    "aarch32": "arm",
    "aarch64": "arm",
    "x86": "x86",
    "x86_64": "x86",
    "x86-64": "x86",
    "x86_32": "x86",
    "vmx": "x86",
    "svm": "x86",
    "vt-x": "x86",
    "vt-d": "x86",
    "vtd": "x86",
    "amd-vi": "x86",
    "riscv": "riscv",
    "risc-v": "riscv",
    "riscv64": "riscv",
    "ppc": "ppc",
    "ppc64": "ppc",
}
ARCH_NAMES: Final[dict[str, str]] = {
    "arm": "Arm",
    "x86": "x86",
    "riscv": "RISC-V",
    "ppc": "PPC",
}
_ARCH_DIRS: Final[dict[str, str]] = {
    "arm": "arm",
    "x86": "x86",
    "riscv": "riscv",
    "ppc": "ppc",
}
_PASSTHROUGH_DIRS: Final[dict[str, str]] = {
    "arm": "arm",
    "x86": "x86",
    "vtd": "x86",
    "amd": "x86",
    "riscv": "riscv",
    "ppc": "ppc",
}
COMMON_AREAS: Final = frozenset(
    {
        "common",
        "sched",
        "cpupool",
        "evtchn",
        "event_channel",
        "gnttab",
        "grant_table",
        "rcu",
        "rcupdate",
        "tasklet",
        "softirq",
        "hypfs",
        "argo",
        "page_alloc",
        "xmalloc",
    }
)
_SPLIT: Final = re.compile(r"[/,+&\s]+")


def area_chain(title: str) -> tuple[str, ...]:
    """The leading ``area:`` segments of a title (``xen/arm: vgic: x`` -> two).

    A segment is a run of path-like words (letters, digits, ``_.-/{}*+``),
    possibly joined by ``, `` / ``&`` / ``+`` (``xen/arm, x86``), followed
    by a colon and a blank.  Empty when the title does not start with one.
    """
    chain: list[str] = []
    rest = title
    while True:
        head, sep, tail = rest.partition(":")
        if not sep or not tail[:1].isspace() or len(head) > _MAX_AREA:
            break
        if not _is_segment(head):
            break
        chain.append(head)
        rest = tail.lstrip()
    return tuple(chain)


def _is_segment(head: str) -> bool:
    """``head`` is one area segment (see ``_SEGMENT_MOVES``), read in linear time."""
    states = {"start"}
    for ch in head:
        kinds = {
            "first" if ch in _WORD_FIRST else "",
            "char" if ch in _WORD_CHAR else "",
            "blank" if ch in " \t" else "",
            "&+" if ch in ("&", "+") else "",
            ch,
        }
        states = {
            after for state in states for kind, after in _SEGMENT_MOVES[state] if kind in kinds
        }
        if not states:
            return False
    return "word" in states


def _words(area: str) -> list[str]:
    return [word for word in _SPLIT.split(area.lower()) if word]


def area_arches(chain: Sequence[str]) -> frozenset[str]:
    """The architectures an area chain names (``{"arm"}`` for ``xen/arm64``)."""
    found = {_ARCH_WORDS[w] for area in chain for w in _words(area) if w in _ARCH_WORDS}
    return frozenset(found)


def common_area(chain: Sequence[str]) -> str | None:
    """The common subsystem the first area names (``sched`` for ``xen/sched``), if any."""
    if not chain:
        return None
    words = _words(chain[0])
    if words and words[0] == "xen":
        words = words[1:]
    if words and words[0] in COMMON_AREAS:
        return words[0]
    return None


_STEM_ARCH: Final = re.compile(r".*[_-](arm|arm32|arm64|x86|x86_64|riscv|ppc)(?:\.[^.]*)?")


def arch_of_path(path: str) -> str | None:
    """The architecture a repository path belongs to, if any (see the module docs)."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "xen" and parts[1] == "arch":
        return _ARCH_DIRS.get(parts[2])
    if len(parts) >= 3 and parts[:2] == ["xen", "include"]:
        if parts[2].startswith("asm-"):
            return _ARCH_DIRS.get(parts[2][4:])
        if len(parts) >= 4 and parts[2] == "public" and parts[3].startswith("arch-"):
            name = parts[3][5:].split(".")[0].split("_")[0]
            return _ARCH_DIRS.get(name)
        return None
    if len(parts) >= 4 and parts[:3] == ["xen", "drivers", "passthrough"]:
        return _PASSTHROUGH_DIRS.get(parts[3])
    if parts[0] == "xen":
        return None  # common hypervisor code: no architecture by name alone
    for part in parts[:-1]:
        arch = _ARCH_WORDS.get(part.lower())
        if arch is not None and part.lower() in _ARCH_DIRS:
            return arch
    match = _STEM_ARCH.fullmatch(parts[-1].lower())
    if match is not None:
        return _ARCH_WORDS.get(match.group(1))
    return None


def touched_paths(patch: Patch) -> tuple[str, ...]:
    """Every path the patch touches, source and target, in diff order."""
    seen: dict[str, None] = {}
    for file in patch.diff.files:
        for path in (file.source_path, file.target_path):
            if path is not None:
                seen.setdefault(path, None)
    return tuple(seen)


def changed_line_count(patch: Patch) -> int:
    return patch.diff.added + patch.diff.removed


# -- people and trailers ----------------------------------------------------------

_EMAIL: Final = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[A-Za-z0-9-]{2,}")


def is_email(address: str) -> bool:
    """Whether ``address`` looks like a real mail address (``local@domain.tld``)."""
    return _EMAIL.fullmatch(address) is not None


_VIA: Final = re.compile(r"(?<!\s)\s++via\s++\S", re.IGNORECASE)


def _without_via(name: str) -> str:
    """``name`` without its first `` via X...`` running to the end (``\\s+via\\s+\\S.*$``).

    In linear time: each blank run is read once, and where a line break
    (other than a last one) follows is found once, not from every ``via``.
    """
    last_break = name.rfind("\n", 0, len(name) - 1)
    pos = 0
    while (match := _VIA.search(name, pos)) is not None:
        if match.end() > last_break:
            return name[: match.start()] + ("\n" if name.endswith("\n") else "")
        pos = match.start() + 1
    return name


def _norm_name(name: str) -> str:
    """Lower-cased, blanks collapsed, a mailing list's ``via Xen-devel`` dropped."""
    return " ".join(_without_via(name).lower().split())


def same_person(a: Person, b: Person, *, by_name: bool = True) -> bool:
    """Same address (case-insensitively), or, with ``by_name``, the same full name."""
    if a.email and b.email and a.email.lower() == b.email.lower():
        return True
    if not by_name:
        return False
    name_a, name_b = _norm_name(a.name), _norm_name(b.name)
    return bool(name_a) and " " in name_a and name_a == name_b


_FIXES: Final = re.compile(
    r"(?P<sha>[0-9a-fA-F]+)(?P<gap>[ \t]+)\(\"(?P<subject>.*)\"\)(?:[ \t]*#.*)?"
)


@dataclass(frozen=True, slots=True)
class FixesRef:
    """A well-formed ``Fixes:``/``Amends:`` value."""

    sha: str
    subject: str


def parse_fixes(value: str) -> FixesRef | None:
    """``abcdef012345 ("subject")`` -> its parts; None when the value has another shape."""
    match = _FIXES.fullmatch(value.strip())
    if match is None:
        return None
    return FixesRef(sha=match.group("sha"), subject=match.group("subject"))


# -- changelogs ----------------------------------------------------------------------

_DIFFSTAT: Final = re.compile(
    r" (?:\S.*\|[ \t]*(?:\d+|Bin\b).*|\d+ files? changed.*"
    r"|(?:create|delete) mode \d+ .*|rename .*|mode change .*|copy .*)"
)
_NOTE_WORDS: Final = re.compile(
    r"\b(?:v\d+(?:\.\d+)?|changes?|changed|changelog|new|unchanged|since|rebased?"
    r"|previous(?:ly)?|updated?|dropped|added|reworked|renamed|addressed)\b",
    re.IGNORECASE,
)
_COVER_CHANGELOG: Final = re.compile(
    r"[^A-Za-z0-9]*(?:changes?\b|change[ \t]*log\b|changelog\b|since[ \t]+v\d"
    r"|v\d+(?:\.\d+)?[ \t]*(?::|->|=>|to\b|vs\b|-[ \t]|\.\.)"
    r"|(?:rfc[ \t]*)?v\d+(?:\.\d+)?[ \t]*$)",
    re.IGNORECASE,
)


def is_diffstat_line(line: str) -> bool:
    return _DIFFSTAT.fullmatch(line) is not None


def notes_have_changelog(notes: str) -> bool:
    """Whether a patch's notes (after ``---``) say anything about versions or changes."""
    for line in notes.split("\n"):
        if not line.strip() or is_diffstat_line(line):
            continue
        if _NOTE_WORDS.search(line) is not None:
            return True
    return False


def cover_has_changelog(cover: Cover) -> bool:
    """Whether a cover letter has a version history (``Changes in v2:``, ``v1 -> v2``...)."""
    for text in (cover.body, cover.notes):
        for line in text.split("\n"):
            if _COVER_CHANGELOG.match(line) is not None:
                return True
    return False


def version_key(version: str) -> tuple[int, ...]:
    """``"5.1"`` -> ``(5, 1)``; anything that is no number counts as 0."""
    parts: list[int] = []
    for piece in version.split("."):
        parts.append(int(piece) if piece.isdigit() and len(piece) < 7 else 0)
    return tuple(parts)


# -- comparing two versions of a patch ---------------------------------------------


def diff_signature(patch: Patch) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What a patch changes, without line numbers or context: a range-diff key.

    Per file (sorted by path), the added and removed lines in order, each
    with its marker and its white space collapsed, so that a rebase onto
    moved code or a re-indented comment keeps the same signature.
    """
    files: list[tuple[str, tuple[str, ...]]] = []
    for file in patch.diff.files:
        lines = tuple(
            line.kind.value + " ".join(line.value.split())
            for hunk in file.hunks
            for line in hunk.lines
            if line.kind.value in "+-"
        )
        files.append((file.path, lines))
    return tuple(sorted(files))


# -- bridges to the apply stage -----------------------------------------------------


def applied_of(ctx: Context) -> AppliedSeries | None:
    """The apply results of ``ctx.series``: ``ctx.data["applied"]``, else ``ctx.tree``.

    None under ``--no-apply`` or when the results belong to another series.
    """
    given: Any = ctx.data.get("applied")
    found: AppliedSeries | None = None
    if isinstance(given, AppliedSeries):
        found = given
    elif isinstance(ctx.tree, AppliedSeries):
        found = ctx.tree
    if found is None:
        return None
    numbers = {patch.number for patch in ctx.series.patches}
    if any(result.number not in numbers for result in found.results):
        return None
    return found


CommitLookup = Callable[[str], tuple[str, str] | None]
"""``rev -> (full commit id, subject)``, or None when the tree has no such commit."""


def parse_commit_object(data: bytes) -> str:
    """The subject (first message line) of a raw git commit object."""
    text = data.decode("utf-8", "replace")
    _, _, message = text.partition("\n\n")
    return message.split("\n", 1)[0].strip()


def commit_lookup(ctx: Context) -> CommitLookup | None:
    """How to look a commit up in the tree's history, if the run has one.

    The engine provides ``ctx.data["commit_lookup"]`` (a :data:`CommitLookup`);
    failing that, the repository the series was applied in is asked
    directly when it offers an ``object(name)`` reader (the apply stage's
    ``git cat-file --batch``).  None without a tree.
    """
    given: Any = ctx.data.get("commit_lookup")
    if callable(given):
        lookup: CommitLookup = given
        return lookup
    applied = applied_of(ctx)
    if applied is None or applied.reader is None:
        return None
    batch: Any = getattr(applied.reader, "reader", None)
    read_object: Any = getattr(batch, "object", None)
    if not callable(read_object):
        return None

    def lookup_in_repo(rev: str) -> tuple[str, str] | None:
        if not re.fullmatch(r"[0-9a-fA-F]{4,64}", rev):
            return None
        try:
            found = read_object(f"{rev.lower()}^{{commit}}")
        except Exception:  # a broken reader means "cannot tell"
            return None
        if not isinstance(found, tuple) or len(found) != 3 or found[1] != "commit":
            return None
        return str(found[0]), parse_commit_object(found[2])

    return lookup_in_repo


def is_real_tree(ctx: Context) -> bool:
    """Whether the history at hand is a real Xen tree (not the bundled mini tree)."""
    applied = applied_of(ctx)
    if applied is None:
        return "commit_lookup" in ctx.data
    from xenreview.apply.model import BaseSource

    return applied.base_source is not BaseSource.MINI_TREE and applied.tree != "mini tree"


def patch_context(ctx: Context, patch: Patch) -> Context:
    """``ctx`` pointed at one patch, so that findings carry its location."""
    return replace(ctx, patch=patch, file=None, hunk=None)


# -- postings of one series under another version number ---------------------------


@dataclass(frozen=True, slots=True)
class Stray:
    """Patches posted with the series but labelled with another version."""

    home: Series  # the series they belong to (it has the cover letter)
    stray: Series  # the one-off series they formed on their own
    numbers: tuple[int, ...]


def _thread_ids(series: Series) -> frozenset[str]:
    ids = {patch.message_id for patch in series.patches}
    if series.cover is not None:
        ids.add(series.cover.message.message_id)
    return frozenset(ids)


def _is_stray_of(stray: Series, home: Series) -> bool:
    if stray is home or stray.cover is not None or not stray.patches:
        return False
    if stray.version == home.version or stray.total != home.total or home.total < 2:
        return False
    present = {patch.number for patch in home.patches}
    if any(patch.number in present for patch in stray.patches):
        return False
    home_ids = _thread_ids(home)
    for patch in stray.patches:
        parents = {patch.message.in_reply_to, *patch.message.references}
        if not parents & home_ids:
            return False
    return True


def strays(series: Series, others: Iterable[Series]) -> Iterator[Stray]:
    """Series among ``others`` that are really stray patches of ``series``.

    A stray is a posting without a cover letter, threaded under this
    series (In-Reply-To/References naming its cover letter or a patch),
    with the same total, whose numbers are all missing from this series,
    but with another version in its subject: an author who re-sent one
    patch with a stale ``vN``.
    """
    for other in others:
        if _is_stray_of(other, series):
            yield Stray(series, other, tuple(p.number for p in other.patches))


def stray_home(series: Series, others: Iterable[Series]) -> Series | None:
    """The series this one is a stray of, if it is one."""
    for other in others:
        if _is_stray_of(series, other):
            return other
    return None


def looks_stray(series: Series) -> bool:
    """Whether ``series`` looks like stray patches of a series the run does not link to it.

    Used when the other version is not among ``ctx.other_versions``: no
    cover letter, some numbers missing, a whole version number (``vN.M`` is
    a deliberate update of one patch), and every patch posted straight
    under the root of another series' thread (In-Reply-To is the first
    References entry, and the tool reported it as a reply to another
    version).
    """
    if series.cover is not None or not series.patches or series.total < 2:
        return False
    if "." in series.version:
        return False
    present = {patch.number for patch in series.patches}
    if all(n in present for n in range(1, series.total + 1)):
        return False
    replies = sum(1 for p in series.problems if p.code == "reply-to-other-version")
    if replies < len(series.patches):
        return False
    for patch in series.patches:
        parent = patch.message.in_reply_to
        refs = patch.message.references
        if parent is None or (refs and refs[0] != parent):
            return False
    return True


def is_stray(series: Series, others: Iterable[Series]) -> bool:
    """Whether ``series`` is stray patches of another posting (seen or not)."""
    return stray_home(series, others) is not None or looks_stray(series)


def trailer_people(trailers: Iterable[Trailer], name: str) -> list[Person]:
    return [t.person for t in trailers if t.name == name and t.person is not None]
