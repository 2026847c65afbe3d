"""Rule fixtures as `git format-patch` output against the mini tree.

The fixture generators of the rule families (``tests/unit/rules_*/make_fixtures.py``)
describe each fixture as exact text edits of the mini tree; this module makes
the scratch repository (the mini tree's base commit), applies the edits as one
commit with a fixed author, date and committer, and writes the patch mail with
a fixed Message-ID and ``To:`` line.  Same input, same bytes.

For fixtures of several commits, other committers or hand-formed mail headers,
:meth:`PatchMaker.start`, :meth:`PatchMaker.commit` and
:meth:`PatchMaker.format_patch` give the steps one at a time, and
:func:`write_postings` turns commits into a threaded mbox the way
``git send-email`` posts a series (cover letter, numbered patches, replies
carrying trailers).
"""

from __future__ import annotations

import email.utils
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from xenreview.apply.git import Git
from xenreview.apply.tree import minitree_base_id, minitree_root, tree_files, write_base


class PatchMaker:
    """A scratch git repository on the mini tree's base, under the system's temp folder."""

    def __init__(
        self, name: str, committer: tuple[str, str], out: Path, *, scratch: Path | None = None
    ) -> None:
        self.scratch = scratch if scratch is not None else Path(tempfile.gettempdir()) / name
        self.repo = self.scratch / "repo"
        self.out = out
        self.base = minitree_base_id()
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.scratch / "home"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
        }

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.repo,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def setup(self) -> None:
        """A fresh repository holding the mini tree's base commit, checked out."""
        if self.repo.exists():
            shutil.rmtree(self.repo)
        self.repo.mkdir(parents=True)
        (self.scratch / "home").mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        write_base(Git("git", self.repo, self.env, "fixtures"), tree_files(minitree_root()))
        self.git("checkout", "-q", "-f", "minitree")

    def write(
        self,
        out: str,
        *,
        message: str,
        edits: Sequence[tuple[str, str, str]],
        new: dict[str, str],
        author: tuple[str, str],
        date: str,
        message_id: str,
    ) -> Path:
        """One commit of ``edits`` (path, old, new: ``old`` must occur once) and ``new``
        files on the base, written as ``self.out / out``."""
        self.start()
        self._change(out, edits, new)
        self.git("add", "-A")
        name, email = author
        when = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        author_env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, **when}
        self.git("commit", "-q", "-m", message, env=author_env)
        patch = self.git(
            "format-patch", "-1", "--stdout", f"--base={self.base}", "--signature=2.39.5"
        )
        lines = patch.split("\n")
        lines.insert(1, f"Message-ID: {message_id}")
        at = next(i for i, text in enumerate(lines) if text.startswith("Subject:"))
        while lines[at + 1].startswith(" "):
            at += 1
        lines.insert(at + 1, "To: xen-devel@lists.xenproject.org")
        target = self.out / out
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines))
        return target

    # -- the steps one at a time ---------------------------------------------

    def _change(
        self, label: str, edits: Sequence[tuple[str, str, str]], new: Mapping[str, str]
    ) -> None:
        """Apply ``edits`` (in order, each on the text the previous ones left), then write
        the ``new`` files, in the working tree."""
        for path, old, replacement in edits:
            file = self.repo / path
            text = file.read_text()
            if text.count(old) != 1:
                raise SystemExit(f"{label}: {path}: the old text occurs {text.count(old)} times")
            file.write_text(text.replace(old, replacement))
        for path, text in new.items():
            file = self.repo / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)

    def start(self, ref: str = "minitree") -> None:
        """Check the work branch out afresh at ``ref`` (a commit id, or the base)."""
        self.git("checkout", "-q", "-f", "-B", "fx", ref)
        self.git("clean", "-qfdx")

    def commit(
        self,
        message: str,
        *,
        author: tuple[str, str],
        date: str,
        edits: Sequence[tuple[str, str, str]] = (),
        new: Mapping[str, str] | None = None,
        moves: Mapping[str, str] | None = None,
        committer: tuple[str, str] | None = None,
        label: str = "commit",
    ) -> str:
        """Commit ``moves`` (old path: new path, done first), ``edits`` and ``new`` files on
        top of the checked-out branch; the commit id.

        ``message`` is taken verbatim (git does not tidy it), ``date`` (anything git reads,
        e.g. ``"1772445600 +0000"``) is the author's and the committer's, and the committer
        is ``committer`` or else the maker's."""
        for old_path, new_path in (moves or {}).items():
            (self.repo / new_path).parent.mkdir(parents=True, exist_ok=True)
            (self.repo / old_path).rename(self.repo / new_path)
        self._change(label, edits, new or {})
        self.git("add", "-A")
        message_file = self.scratch / "message"
        message_file.write_text(message, encoding="utf-8")
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        if committer is not None:
            env["GIT_COMMITTER_NAME"], env["GIT_COMMITTER_EMAIL"] = committer
        self.git("commit", "-q", "--cleanup=verbatim", "-F", str(message_file), env=env)
        return self.git("rev-parse", "HEAD").strip()

    def format_patch(self, *args: str) -> str:
        """``git format-patch --stdout`` with ``args`` (options, then the commits)."""
        return self.git("format-patch", "--stdout", *args)


def person(address: str) -> tuple[str, str]:
    """``("Alice Example", "alice@example.org")`` from ``"Alice Example <alice@example.org>"``."""
    return email.utils.parseaddr(address)


# -- series posted as git send-email posts them ----------------------------------------------
#
# The mails of a posting: an optional cover letter, then each patch as git format-patch
# writes it (the diff, the diffstat, the notes after ``---``), with the headers of the
# posting (Date, Subject prefix, Message-ID, thread, Cc) set by hand; then replies quoting
# a patch or the cover letter and adding the reviewer's own text (usually a trailer).

SEND_LIST = "xen-devel@lists.xenproject.org"
SEND_SIGNATURE = "2.47.1"
_MIME = [
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]


@dataclass(frozen=True)
class MailPatch:
    """One patch of a posting: a commit of ``edits`` with the message ``title`` + ``message``."""

    title: str
    message: str  # body and trailers, verbatim, without the title
    edits: Sequence[tuple[str, str, str]]
    author: str  # "Name <address>"
    sender: str | None = None  # when someone else posts it
    notes: str = ""  # text after ---
    prefix: str | None = None  # e.g. "PATCH v2 1/3"; else numbered from the posting
    in_reply_to: str | None = None  # else the cover letter (or nothing)
    cc: Sequence[str] = ()
    send: bool = True  # False: committed (later patches build on it) but not posted


@dataclass(frozen=True)
class Reply:
    """A reply to patch ``to_patch`` (0: the cover letter) quoting its first lines."""

    to_patch: int
    author: str
    text: str  # the reply's own text, after the quote
    quote_lines: int = 6


@dataclass(frozen=True)
class Posting:
    """One posting of a series: its patches, cover letter, replies and dates."""

    patches: Sequence[MailPatch]
    date: datetime
    tag: str  # in every Message-ID: <YYYYmmddHHMMSS.n.tag@example.org>
    version: int = 1
    cover_title: str | None = None  # None: no cover letter
    cover_body: str = ""
    base: bool = True  # write base-commit:
    numbered: bool | None = None  # default: numbered when a cover or several patches
    hidden: Sequence[MailPatch] = ()  # committed below the patches, never posted
    replies: Sequence[Reply] = ()
    cc: Sequence[str] = ()
    start_after: tuple[int, int] | None = None  # (posting, patch number) to build on
    cover_id: str | None = None  # patches reply to this Message-ID instead


@dataclass
class _Rendered:
    text: str
    commits: list[str] = field(default_factory=list)


def _stamp(when: datetime) -> str:
    return f"{int(when.timestamp())} +0000"


def _headers(lines: Sequence[tuple[str, str]]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in lines)


def _cc(people: Sequence[str], skip: str) -> str | None:
    """The Cc line: ``people`` once each in order, without ``skip``, folded one a line."""
    kept: list[str] = []
    for one in people:
        if person(one)[1] != person(skip)[1] and one not in kept:
            kept.append(one)
    return ",\n\t".join(kept) if kept else None


def _render(maker: PatchMaker, posting: Posting, start: str) -> _Rendered:
    maker.start(start)
    when = posting.date
    for i, hidden in enumerate(posting.hidden):
        maker.commit(
            hidden.title + "\n\n" + hidden.message,
            author=person(hidden.author),
            committer=person(hidden.author),
            date=_stamp(when - timedelta(days=3, minutes=-i)),
            edits=hidden.edits,
            label=posting.tag,
        )
    done = _Rendered("")
    for i, spec in enumerate(posting.patches, 1):
        message = spec.title + "\n" + ("\n" + spec.message if spec.message else "")
        done.commits.append(
            maker.commit(
                message,
                author=person(spec.author),
                committer=person(spec.author),
                date=_stamp(when + timedelta(seconds=i)),
                edits=spec.edits,
                label=posting.tag,
            )
        )
    total = len(posting.patches)
    has_cover = posting.cover_title is not None
    numbered = posting.numbered if posting.numbered is not None else has_cover or total > 1
    width = 2 if total >= 10 else 1
    vtag = f" v{posting.version}" if posting.version > 1 else ""
    stamp = when.strftime("%Y%m%d%H%M%S")
    base = maker.base

    def mid(i: int) -> str:
        return f"<{stamp}.{i}.{posting.tag}@example.org>"

    def numbered_prefix(n: int) -> str:
        return f"PATCH{vtag} {n:0{width}d}/{total}" if numbered else f"PATCH{vtag}"

    out: list[str] = []
    ids: list[str] = []
    first = posting.patches[0]
    first_sender = first.sender or first.author
    if has_cover:
        by_author: dict[str, list[str]] = {}
        for spec in posting.patches:
            if spec.send:
                by_author.setdefault(person(spec.author)[0], []).append(spec.title)
        shortlog = "".join(
            f"{name} ({len(titles)}):\n" + "".join(f"  {t}\n" for t in titles) + "\n"
            for name, titles in by_author.items()
        )
        body = posting.cover_body.strip("\n") + "\n\n" + shortlog
        if posting.base:
            body += f"base-commit: {base}\n"
        body += f"-- \n{SEND_SIGNATURE}\n\n"
        people = list(posting.cc)
        for spec in posting.patches:
            people += spec.cc
        head = [
            ("From", first_sender),
            ("Date", email.utils.format_datetime(when)),
            ("Subject", f"[PATCH{vtag} {0:0{width}d}/{total}] {posting.cover_title}"),
            ("Message-ID", mid(0)),
            ("To", SEND_LIST),
        ]
        cc = _cc(people, first_sender)
        if cc:
            head.append(("Cc", cc))
        envelope = f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
        out.append(envelope + _headers(head + _MIME) + "\n" + body)
    for i, (spec, commit) in enumerate(zip(posting.patches, done.commits, strict=True), 1):
        args = ["-1", "--abbrev=10", f"--signature={SEND_SIGNATURE}", "--no-renames"]
        args += ["--diff-algorithm=myers", "--keep-subject"]
        if spec.sender is not None:
            args.append(f"--from={spec.sender}")
        text = maker.format_patch(*args, commit)
        head_text, _, body = text.partition("\n\n")
        from_line, _, fields_text = head_text.partition("\n")
        fields = re.split(r"\n(?![ \t])", fields_text)
        sender = spec.sender or spec.author
        if f"From: {sender}" not in fields:
            raise SystemExit(f"{posting.tag}: format-patch did not write From: {sender}")
        if spec.notes:
            at = body.index("\n---\n") + len("\n---\n")
            body = body[:at] + spec.notes.strip("\n") + "\n\n" + body[at:]
        if posting.base and not has_cover:
            at = body.rindex(f"-- \n{SEND_SIGNATURE}\n")
            body = body[:at] + f"\nbase-commit: {base}\n" + body[at:]
        ids.append(mid(i))
        if not spec.send:
            continue
        reply_to = spec.in_reply_to or (mid(0) if has_cover else posting.cover_id)
        head = [
            ("From", sender),
            ("Date", email.utils.format_datetime(when + timedelta(seconds=i))),
            ("Subject", f"[{spec.prefix or numbered_prefix(i)}] {spec.title}"),
            ("Message-ID", mid(i)),
        ]
        if reply_to:
            head += [("In-Reply-To", reply_to), ("References", reply_to)]
        head.append(("To", SEND_LIST))
        cc = _cc(list(posting.cc) + list(spec.cc), sender)
        if cc:
            head.append(("Cc", cc))
        out.append(from_line + "\n" + _headers(head + _MIME) + "\n" + body)
    for n, reply in enumerate(posting.replies, 1):
        if reply.to_patch == 0:
            target = mid(0)
            subject = f"Re: [PATCH{vtag} {0:0{width}d}/{total}] {posting.cover_title}"
            quoted = posting.cover_body.strip("\n").split("\n")
        else:
            spec = posting.patches[reply.to_patch - 1]
            target = ids[reply.to_patch - 1]
            subject = f"Re: [{spec.prefix or numbered_prefix(reply.to_patch)}] {spec.title}"
            quoted = spec.message.strip("\n").split("\n")
        quoted_author = person(posting.patches[max(reply.to_patch, 1) - 1].author)[0]
        quote = "\n".join(("> " + line).rstrip() for line in quoted[: reply.quote_lines])
        rdate = when + timedelta(hours=5, minutes=n)
        body = (
            f"On {rdate.strftime('%a, %d %b %Y')}, {quoted_author} wrote:\n{quote}\n\n"
            + reply.text.strip("\n")
            + "\n"
        )
        thread = f"{mid(0)} {target}" if has_cover and target != mid(0) else target
        head = [
            ("From", reply.author),
            ("Date", email.utils.format_datetime(rdate)),
            ("Subject", subject),
            ("Message-ID", f"<{stamp}.r{n}.{posting.tag}@example.org>"),
            ("In-Reply-To", target),
            ("References", thread),
            ("To", first.author),
            ("Cc", SEND_LIST),
        ]
        envelope = f"From {person(reply.author)[1]} Mon Mar  2 15:00:00 2026\n"
        out.append(envelope + _headers(head + _MIME) + "\n" + body + "\n")
    done.text = "".join(out)
    return done


def write_postings(maker: PatchMaker, out: str, postings: Sequence[Posting]) -> Path:
    """The postings, one after the other, as the mbox ``maker.out / out``.

    Each posting is committed on the base (or on a patch of an earlier posting,
    ``start_after``); every patch commit has its author as committer and the
    posting's date plus its number in seconds, so the commit ids are fixed too."""
    made: list[list[str]] = []
    parts: list[str] = []
    for posting in postings:
        start = "minitree"
        if posting.start_after is not None:
            which, number = posting.start_after
            start = made[which][number - 1]
        rendered = _render(maker, posting, start)
        parts.append(rendered.text)
        made.append(rendered.commits)
    target = maker.out / out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(parts))
    return target
