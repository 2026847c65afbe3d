"""call_order, error_ladder and is_under_lock on small C snippets."""

from __future__ import annotations

import pytest

from xenreview.code.flow import (
    call_order,
    error_ladder,
    is_under_lock,
    locks_held_at,
    unlock_name,
)
from xenreview.code.model import Call, Function, GuardKind
from xenreview.code.parse import parse_c


def function_of(source: str, name: str = "f") -> Function:
    cfile = parse_c(source.encode(), "xen/t.c")
    return next(f for f in cfile.functions if f.name == name)


def call(function: Function, callee: str, nth: int = 0) -> Call:
    return [c for c in function.calls if c.callee == callee][nth]


def under(source: str, callee: str, nth: int = 0, locks: tuple[str, ...] | None = None) -> bool:
    function = function_of(source)
    return is_under_lock(function, call(function, callee, nth), locks)


# -- call_order ------------------------------------------------------------------------

BRANCHY = """\
int f(struct domain *d)
{
    int rc = prepare(d);

    if ( rc )
        undo(d);
    else if ( ready(d) )
    {
        go(d);
        log(d);
    }
    else
        wait(d);

    for ( i = 0; i < n; i++ )
        step(i);

    switch ( kind(d) )
    {
    case A:
    case B:
        first(d);
        break;
    default:
        other(d);
    }

    return finish(d);
}
"""


def test_call_order_in_source_order_with_branch_conditions() -> None:
    function = function_of(BRANCHY)
    order = call_order(function)
    assert [c.callee for c in order] == [
        "prepare", "undo", "ready", "go", "log", "wait", "step", "kind", "first", "other", "finish",
    ]  # fmt: skip
    guards = {c.callee: [(g.kind, g.text) for g in c.guards] for c in order}
    assert guards["prepare"] == []
    assert guards["undo"] == [(GuardKind.IF, "rc")]
    assert guards["ready"] == [(GuardKind.ELSE, "rc")]
    assert guards["go"] == [(GuardKind.ELSE, "rc"), (GuardKind.IF, "ready(d)")]
    assert guards["wait"] == [(GuardKind.ELSE, "rc"), (GuardKind.ELSE, "ready(d)")]
    assert guards["step"] == [(GuardKind.LOOP, "for ( i = 0; i < n; i++ )")]
    assert guards["first"] == [(GuardKind.CASE, "A, B")]
    assert guards["other"] == [(GuardKind.CASE, "default")]
    assert call(function, "ready").in_condition
    assert call(function, "prepare").assigned_to == "rc"
    assert call(function, "finish").returned
    assert call(function, "go").location == "xen/t.c:9"


def test_preprocessor_conditionals_are_guards() -> None:
    function = function_of(
        "void f(void)\n{\n#ifdef CONFIG_X\n    a();\n#else\n    b();\n#endif\n    c();\n}\n"
    )
    guards = {c.callee: [(g.kind, g.text) for g in c.guards] for c in function.calls}
    assert guards == {
        "a": [(GuardKind.PREPROC, "#ifdef CONFIG_X")],
        "b": [(GuardKind.PREPROC, "#else")],
        "c": [],
    }


# -- error_ladder ----------------------------------------------------------------------

LADDER = """\
static long suspend(void *data)
{
    int status;

    stop_a();
    status = stop_b();
    if ( status )
        goto resume_a;

    status = stop_c();
    if ( status )
        goto resume_b;

    status = 0;

    start_c();
 resume_b:
    start_b();
 resume_a:
    start_a();
    report(status);

    return status;
}
"""


def test_error_ladder_labels_with_their_calls_and_gotos() -> None:
    function = function_of(LADDER, "suspend")
    ladder = error_ladder(function)
    assert [(s.label, s.line, s.location) for s in ladder] == [
        ("resume_b", 17, "xen/t.c:17"),
        ("resume_a", 19, "xen/t.c:19"),
    ]
    assert [c.callee for c in ladder[0].calls] == ["start_b"]
    assert [c.callee for c in ladder[1].calls] == ["start_a", "report"]
    assert [g.line for g in ladder[0].gotos] == [12]
    assert [g.line for g in ladder[1].gotos] == [8]
    assert [g.guards[0].text for g in ladder[1].gotos] == ["status"]
    assert [s.falls_through for s in ladder] == [True, False]
    assert error_ladder(function_of("void f(void) { g(); }")) == ()


# -- is_under_lock ---------------------------------------------------------------------


def test_straight_line_lock_and_unlock() -> None:
    source = """\
void f(struct domain *d)
{
    before(d);
    spin_lock(&d->lock);
    inside(d);
    spin_unlock(&d->lock);
    after(d);
}
"""
    assert not under(source, "before")
    assert under(source, "inside")
    assert not under(source, "after")
    assert not under(source, "spin_lock")  # not yet held when taking it
    function = function_of(source)
    held = locks_held_at(function, call(function, "inside"))
    assert [(c.callee, c.args, c.line) for c in held] == [("spin_lock", ("&d->lock",), 4)]


def test_unlock_on_an_early_return_does_not_release_the_rest() -> None:
    source = """\
int f(struct domain *d)
{
    domain_lock(d);
    if ( busy(d) )
    {
        domain_unlock(d);
        return -EBUSY;
    }
    work(d);
    domain_unlock(d);
    return 0;
}
"""
    assert under(source, "work")
    assert under(source, "busy")


def test_unlock_on_one_branch_only_releases_after_the_branch() -> None:
    source = """\
void f(struct domain *d)
{
    spin_lock(&d->lock);
    if ( quick(d) )
        spin_unlock(&d->lock);
    later(d);
}
"""
    assert not under(source, "later")


def test_locks_are_named_by_their_argument() -> None:
    source = """\
void f(struct domain *d, struct domain *e)
{
    spin_lock(&d->lock);
    spin_lock(&e->lock);
    spin_unlock(&d->lock);
    both(d);
    spin_unlock(&e->lock);
    none(d);
}
"""
    function = function_of(source)
    held = locks_held_at(function, call(function, "both"))
    assert [c.args[0] for c in held] == ["&e->lock"]
    assert not under(source, "none")


def test_irqsave_pairs_and_chosen_lock_names() -> None:
    source = """\
void f(void)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    inside();
    spin_unlock_irqrestore(&sched_lock, flags);
    domain_lock(d);
    other();
    domain_unlock(d);
}
"""
    assert under(source, "inside")
    assert not under(source, "inside", locks=("domain_lock",))
    assert under(source, "other", locks=("domain_lock",))
    assert not under(source, "other", locks=("spin_lock",))


def test_loops_switches_and_gotos() -> None:
    source = """\
int f(struct domain *d)
{
    int rc = 0;

    spin_lock(&d->lock);
    for_each_vcpu ( d, v )
    {
        if ( bad(v) )
        {
            spin_unlock(&d->lock);
            break;
        }
        check(v);
    }
    after_loop(d);

    spin_lock(&d->lock);
    switch ( d->state )
    {
    case 1:
        spin_unlock(&d->lock);
        /* fall through */
    case 2:
        in_case(d);
        break;
    default:
        in_default(d);
        break;
    }
    after_switch(d);

    if ( fail(d) )
        goto out;
    spin_unlock(&d->lock);
    return 0;

 out:
    at_out(d);
    spin_unlock(&d->lock);
    return rc;
}
"""
    assert under(source, "check")
    assert not under(source, "after_loop")  # a break path released it
    assert not under(source, "in_case")  # case 1 falls through unlocked
    assert under(source, "in_default")
    assert not under(source, "after_switch")
    function = function_of(source)
    assert under(source, "fail") is False
    assert not is_under_lock(function, call(function, "at_out"))


def test_goto_keeps_the_lock_into_the_label() -> None:
    source = """\
int f(struct domain *d)
{
    spin_lock(&d->lock);
    if ( a(d) )
        goto unlock;
    b(d);
 unlock:
    c(d);
    spin_unlock(&d->lock);
    return 0;
}
"""
    assert under(source, "b")
    assert under(source, "c")


def test_dead_code_is_never_under_a_lock() -> None:
    source = "void f(void)\n{\n    spin_lock(&l);\n    return;\n    dead();\n}\n"
    assert not under(source, "dead")


@pytest.mark.parametrize(
    ("lock", "unlock"),
    [
        ("spin_lock", "spin_unlock"),
        ("spin_lock_irqsave", "spin_unlock_irqrestore"),
        ("domain_lock", "domain_unlock"),
        ("rcu_read_lock", "rcu_read_unlock"),
        ("vgic_lock_rank", "vgic_unlock_rank"),
        ("my_lock_irqsave", "my_unlock_irqrestore"),
        ("grab", "grab_unlock"),
    ],
)
def test_unlock_name(lock: str, unlock: str) -> None:
    assert unlock_name(lock) == unlock
