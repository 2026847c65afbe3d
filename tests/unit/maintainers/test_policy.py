"""The check-in policy: who must ack each file, which acks count, the verdicts."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from xenreview.diff.model import Diff, FileDiff, FileStatus
from xenreview.ingest.model import Cover, Message, Patch, Person, Series, Subject, Trailer
from xenreview.ingest.trailers import parse_person, parse_trailer
from xenreview.maintainers import (
    AckPolicy,
    FileAcks,
    Verdict,
    bundled_maintainers,
    maintainer_review_started,
    parse_maintainers,
    patch_acks,
    patch_paths,
    scope_covers,
    series_acks,
)

MINI = bundled_maintainers()
MIRA = "Mira Example <mira@example.org>"
ALICE = "Alice Arm <alice@example.org>"  # ARM ARCHITECTURE and THE REST
BRUNO = "Bruno Board <bruno@example.org>"  # ARM ARCHITECTURE
CARLA = "Carla Cortex <carla@example.org>"  # ARM reviewer
DORA = "Dora Deepsleep <dora@example.org>"  # ARM SUSPEND TO RAM
OLAF = "Olaf Overall <olaf@example.org>"  # THE REST
TOMAS = "Tomas Tty <tomas@example.org>"  # CONSOLE
JULIA = "Julia Example <julia@example.org>"  # nobody
GIC = "xen/arch/arm/gic.c"
SUSPEND = "xen/arch/arm/suspend.c"
CONSOLE = "xen/drivers/char/console.c"
DOMAIN = "xen/common/domain.c"


def who(text: str) -> Person:
    person, _ = parse_person(text)
    assert person is not None
    return person


def tag(line: str, origin: str | None = None) -> Trailer:
    trailer = parse_trailer(line, origin)
    assert trailer is not None
    return trailer


def fdiff(
    path: str, status: FileStatus = FileStatus.MODIFIED, source: str | None = None
) -> FileDiff:
    src = None if status is FileStatus.ADDED else (source or path)
    dst = None if status is FileStatus.DELETED else path
    return FileDiff(src, dst, status, None, None, None, None, False, None, (), ())


def message(author: str, number: int, total: int, title: str) -> Message:
    subject = Subject(
        raw=f"[PATCH {number}/{total}] {title}",
        title=title,
        tags=("PATCH",),
        version="1",
        version_stated=False,
        counter=number,
        total=total,
        counter_stated=True,
    )
    return Message(
        message_id=f"{number}.{total}@example.org",
        in_reply_to=None,
        references=(),
        author=who(author),
        author_recovered=False,
        date=None,
        timestamp=None,
        subject=subject,
    )


def patch(
    author: str,
    files: Sequence[FileDiff | str],
    trailers: Sequence[str] = (),
    followups: Sequence[str] = (),
    *,
    number: int = 1,
    total: int = 1,
) -> Patch:
    diffs = tuple(f if isinstance(f, FileDiff) else fdiff(f) for f in files)
    return Patch(
        message=message(author, number, total, "xen: do something"),
        body="",
        trailers=(tag(f"Signed-off-by: {author}"), *(tag(t) for t in trailers)),
        notes="",
        base_commit=None,
        prerequisite_patch_ids=(),
        diff=Diff(files=diffs),
        followup_trailers=tuple(tag(t, f"reply-{i}@example.org") for i, t in enumerate(followups)),
    )


def series(patches: Sequence[Patch], cover_followups: Sequence[str] = ()) -> Series:
    cover = Cover(
        message=message(MIRA, 0, len(patches), "xen: a series"),
        body="",
        followup_trailers=tuple(tag(t, "reply-cover@example.org") for t in cover_followups),
    )
    return Series(
        version="1",
        version_stated=False,
        total=len(patches),
        cover=cover,
        patches=tuple(patches),
        title="xen: a series",
    )


def only(p: Patch, **kwargs: object) -> FileAcks:
    result = patch_acks(p, MINI, **kwargs)  # type: ignore[arg-type]
    assert len(result.files) == 1
    return result.files[0]


def names(people: Sequence[Person]) -> list[str]:
    return [p.name for p in people]


# -- who must ack ----------------------------------------------------------------------


def test_required_are_the_most_specific_maintainers() -> None:
    f = only(patch(MIRA, [SUSPEND]))
    assert f.entries == ("ARM SUSPEND TO RAM",)
    assert names(f.required) == ["Dora Deepsleep"]
    assert names(f.may_also_ack) == ["Alice Arm", "Bruno Board", "Olaf Overall", "Ruth Rest"]
    assert f.verdict is Verdict.MISSING
    assert names(f.missing_from) == ["Dora Deepsleep"]


def test_the_rest_is_required_for_common_code() -> None:
    f = only(patch(MIRA, [DOMAIN]))
    assert f.entries == ("THE REST",)
    assert names(f.required) == ["Alice Arm", "Olaf Overall", "Ruth Rest"]
    assert f.may_also_ack == ()


# -- which acks count ---------------------------------------------------------------------


def test_a_maintainers_acked_by_and_reviewed_by_both_count() -> None:
    acked = only(patch(MIRA, [GIC], [f"Acked-by: {BRUNO}"]))
    assert acked.verdict is Verdict.ACKED
    assert acked.acks[0].trailer == "Acked-by" and acked.acks[0].primary
    assert acked.acks[0].origin is None and acked.missing_from == ()
    reviewed = only(patch(MIRA, [GIC], followups=[f"Reviewed-by: {BRUNO}"]))
    assert reviewed.verdict is Verdict.ACKED
    assert reviewed.acks[0].origin == "reply-0@example.org"


def test_reviewed_by_can_be_turned_off() -> None:
    f = only(
        patch(MIRA, [GIC], [f"Reviewed-by: {BRUNO}"]), policy=AckPolicy(reviewed_by_counts=False)
    )
    assert f.verdict is Verdict.MISSING


def test_reviews_from_non_maintainers_are_kept_apart() -> None:
    f = only(patch(MIRA, [GIC], [f"Reviewed-by: {JULIA}", f"Acked-by: {CARLA}"]))
    assert f.verdict is Verdict.MISSING
    assert [(i.person.name, i.reason) for i in f.ignored] == [
        ("Julia Example", "not a maintainer"),
        ("Carla Cortex", "a reviewer, not a maintainer"),
    ]


def test_other_trailers_are_not_acks() -> None:
    f = only(patch(MIRA, [GIC], [f"Tested-by: {BRUNO}", f"Signed-off-by: {ALICE}"]))
    assert f.verdict is Verdict.MISSING and f.ignored == ()


def test_emails_match_case_insensitively() -> None:
    f = only(patch(MIRA, [GIC], ["Acked-by: B. Board <Bruno@Example.ORG>"]))
    assert f.verdict is Verdict.ACKED


def test_maintainers_of_broader_entries_and_the_rest_may_ack() -> None:
    outer = only(patch(MIRA, [SUSPEND], [f"Acked-by: {BRUNO}"]))
    assert outer.verdict is Verdict.ACKED
    assert (outer.acks[0].entry, outer.acks[0].primary) == ("ARM ARCHITECTURE", False)
    rest = only(patch(MIRA, [CONSOLE], [f"Acked-by: {OLAF}"]))
    assert rest.verdict is Verdict.ACKED
    assert (rest.acks[0].entry, rest.acks[0].primary) == ("THE REST", False)


def test_nested_maintainership_can_be_turned_off() -> None:
    strict = AckPolicy(outer_entries_may_ack=False, rest_may_ack_anything=False)
    f = only(patch(MIRA, [SUSPEND], [f"Acked-by: {BRUNO}", f"Acked-by: {OLAF}"]), policy=strict)
    assert f.verdict is Verdict.MISSING
    assert f.may_also_ack == ()


def test_cover_letter_acks_apply_to_every_patch() -> None:
    p1 = patch(MIRA, [GIC], number=1, total=2)
    p2 = patch(MIRA, [CONSOLE], number=2, total=2)
    result = series_acks(series([p1, p2], [f"Acked-by: {BRUNO}"]), MINI)
    first, second = result.patches
    assert first.acked and first.files[0].acks[0].from_cover
    assert not second.acked  # Bruno does not maintain the console
    assert second.files[0].ignored[0].reason == "not a maintainer"


# -- scoped acks ----------------------------------------------------------------------------


def test_a_scoped_ack_counts_only_for_its_files() -> None:
    p = patch(MIRA, [GIC, DOMAIN], [f"Acked-by: {ALICE} # arm"])
    gic, domain = patch_acks(p, MINI).files
    assert gic.verdict is Verdict.ACKED and gic.acks[0].scope == "arm"
    assert domain.verdict is Verdict.MISSING  # Alice maintains THE REST, but said "arm"
    assert domain.ignored[0].reason == "outside its scope '# arm'"


@pytest.mark.parametrize(
    ("scope", "path", "expected"),
    [
        ("arm", GIC, True),
        ("ARM", SUSPEND, True),
        ("arm", DOMAIN, False),
        ("x86", GIC, False),
        ("suspend", SUSPEND, True),  # a word of the entry title "ARM SUSPEND TO RAM"
        ("suspend", GIC, False),
        ("arm suspend", SUSPEND, True),
        ("iommu", "xen/drivers/passthrough/iommu.c", True),
        ("common", DOMAIN, True),  # a folder of the path
        ("non-arm", DOMAIN, True),
        ("non-arm", GIC, False),
        ("!arm", DOMAIN, True),
        ("x86, common", DOMAIN, True),
        ("x86 and arm", GIC, True),
        ("for the arm parts", GIC, True),
        ("xen/drivers/char/", CONSOLE, True),
        ("xen/drivers/char", CONSOLE, True),
        ("xen/drivers/char/", GIC, False),
        ("xen/arch/arm/*.c", GIC, True),
        ("console.c", CONSOLE, False),  # a path names the file from the top
        ("", GIC, False),
    ],
)
def test_scope_covers(scope: str, path: str, expected: bool) -> None:
    assert scope_covers(scope, path, MINI.covering(path)) is expected


# -- a maintainer's own patch -----------------------------------------------------------------


def test_a_maintainers_own_patch_needs_another_maintainer() -> None:
    own = only(patch(ALICE, [GIC], [f"Acked-by: {ALICE}"]))
    assert own.author_is_maintainer
    assert own.verdict is Verdict.MISSING
    assert own.ignored[0].reason == "the author's own"
    assert names(own.missing_from) == ["Bruno Board"]
    co = only(patch(ALICE, [GIC], followups=[f"Acked-by: {BRUNO}"]))
    assert co.verdict is Verdict.ACKED


def test_a_sole_maintainers_patch_falls_to_broader_entries() -> None:
    own = only(patch(DORA, [SUSPEND]))
    assert own.verdict is Verdict.MISSING
    assert names(own.missing_from) == ["Alice Arm", "Bruno Board", "Olaf Overall", "Ruth Rest"]
    acked = only(patch(DORA, [SUSPEND], followups=[f"Reviewed-by: {OLAF}"]))
    assert acked.verdict is Verdict.ACKED and acked.acks[0].entry == "THE REST"


def test_a_sole_maintainer_with_nobody_else_has_no_maintainer() -> None:
    lone = parse_maintainers("LONE\nM:\tDora Deepsleep <dora@example.org>\nF:\txen/\n", "x")
    f = patch_acks(patch(DORA, [GIC]), lone).files[0]
    assert f.verdict is Verdict.NO_MAINTAINER and f.missing_from == ()


def test_a_file_nobody_covers_has_no_maintainer() -> None:
    bare = parse_maintainers("ARM\nM:\tAlice Arm <alice@example.org>\nF:\txen/arch/arm/\n", "x")
    f = patch_acks(patch(MIRA, [DOMAIN], [f"Acked-by: {ALICE}"]), bare).files[0]
    assert f.entries == () and f.required == ()
    assert f.verdict is Verdict.NO_MAINTAINER


# -- paths -----------------------------------------------------------------------------


def test_renames_touch_both_paths_and_deletions_their_source() -> None:
    moved = patch(MIRA, [fdiff("xen/common/pm.c", FileStatus.RENAMED, source=GIC)])
    assert patch_paths(moved) == ("xen/common/pm.c", GIC)
    gone = patch(MIRA, [fdiff(CONSOLE, FileStatus.DELETED)])
    assert patch_paths(gone) == (CONSOLE,)
    assert patch_acks(gone, MINI).files[0].entries == ("CONSOLE",)


# -- the series verdict ---------------------------------------------------------------------------


def test_series_verdict_on_a_crafted_series() -> None:
    p1 = patch(MIRA, [GIC, SUSPEND], [f"Acked-by: {BRUNO} # arm"], number=1, total=3)
    p2 = patch(MIRA, [CONSOLE, DOMAIN], followups=[f"Acked-by: {TOMAS}"], number=2, total=3)
    p3 = patch(DORA, [SUSPEND], number=3, total=3)
    result = series_acks(series([p1, p2, p3]), MINI)
    assert [p.acked for p in result.patches] == [True, False, False]
    assert not result.committable
    assert [(m.patch, m.path, names(m.people)) for m in result.missing()] == [
        (2, DOMAIN, ["Alice Arm", "Olaf Overall", "Ruth Rest"]),
        (3, SUSPEND, ["Alice Arm", "Bruno Board", "Olaf Overall", "Ruth Rest"]),
    ]
    assert result.verdict == (
        "missing acks from one of Alice Arm, Olaf Overall or Ruth Rest for"
        " xen/common/domain.c (2/3); one of Alice Arm, Bruno Board, Olaf Overall or Ruth Rest"
        " for xen/arch/arm/suspend.c (3/3)"
    )
    fixed = series_acks(series([p1, p2, p3], [f"Acked-by: {OLAF}"]), MINI)
    assert fixed.committable and fixed.verdict == "committable"


def test_review_started_needs_a_maintainers_ack_on_someone_elses_patch() -> None:
    fresh = series([patch(MIRA, [GIC])])
    assert not maintainer_review_started(fresh, MINI)
    outsider = series([patch(MIRA, [GIC], [f"Reviewed-by: {JULIA}"])])
    assert not maintainer_review_started(outsider, MINI)
    self_ack = series([patch(ALICE, [GIC], [f"Acked-by: {ALICE}"])])
    assert not maintainer_review_started(self_ack, MINI)
    acked = series([patch(MIRA, [GIC], followups=[f"Acked-by: {TOMAS}"])])
    assert maintainer_review_started(acked, MINI)
    on_cover = series([patch(MIRA, [GIC])], [f"Reviewed-by: {OLAF}"])
    assert maintainer_review_started(on_cover, MINI)
