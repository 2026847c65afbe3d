"""A host suspend started by the hardware domain whose resume lets a guest run first.

**What it flags**
The place where the hardware (or a control) domain's own suspend starts a
suspend of the whole host, when the way back can let a guest run before the
domains that hold its PV backends and xenstored are resumed.  The trigger
is found from the C facts: in code a guest's trap reaches, after the domain
is parked with ``domain_shutdown(..., SHUTDOWN_suspend)`` and under an
``is_hardware_domain()``/``is_control_domain()`` test, a call that runs
the host suspend (a function that reaches the firmware's PSCI
``SYSTEM_SUSPEND``, calls ``freeze_domains()``, or is Xen's
``system_suspend``/``enter_state``) directly, through
``continue_hypercall_on_cpu()``, a cross-CPU call or a tasklet.  The
resume side is unsafe when a guest can run while the hardware domain is
still suspended: a function on the interrupt path (``do_IRQ()`` and the
tasklets it schedules) resumes the woken domain with ``domain_resume()``
or a wrapper of it without resuming the hardware domain first, or the host
suspend calls ``thaw_domains()`` (or any function unpausing every domain)
before it resumes the hardware domain.  The finding points at the trigger;
its related places are the resume code that lets the guest run first.

**Why it matters for Xen**
On Arm the hardware domain usually holds the PV backends (block, network)
and xenstored.  If the host wakes up because a guest's device raised its
wake interrupt and only that guest is resumed, its frontends send requests
to backends in a domain that is still suspended: nothing serves them, the
guest's I/O stalls and a guest waiting on it hangs; xenstore watches do not
fire either.  Nobody is left to fix it: the toolstack lives in the suspended
domain.  The ordering "backends before frontends" has to be built into the
resume path.

**Example**
    if ( is_hardware_domain(d) )
        status = continue_hypercall_on_cpu(0, system_suspend, NULL);
    ...
    static void domain_resume_tasklet(void *data)
    {
        ...
        resume_suspended_domain(d);   /* only the guest that woke up */
    }

**Suggested fix**
Resume the hardware domain (and any driver domain or the domain running
xenstored) on the host's resume path before anything can run: in the host
suspend, before ``thaw_domains()``; and when a guest is woken by its own
interrupt while the hardware domain is still suspended, resume the hardware
domain first.  Alternatively keep every domain frozen and resume them all
together, as x86 does with ``freeze_domains()``/``thaw_domains()``.

**References**
The xen-devel review of the Arm suspend-to-RAM series (2018): the host may
resume for an event targeting a guest while Dom0, holding the PV backends,
is still blocked.  Xen's split driver model (frontends in guests, backends
in Dom0 or driver domains, connected through xenstore).  The x86 suspend
path (``enter_state()``) freezes and thaws all domains together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

from xenreview.code.model import Call, Function, Loop
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Related, Rule, Scope, TreeView
from xenreview.rules.lib_arm import (
    ArmTree,
    arm_tree,
    describe_path,
    related,
    shared,
    walk_with_guards,
)
from xenreview.rules.lib_model import confirming_trace

RULE = Rule(
    code="ARM001",
    name="pv-backend-wakeup",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

# Xen's names for the host suspend itself (Arm's system_suspend(), x86's enter_state()).
_HOST_SUSPEND_NAME = re.compile(r"^(?:system|host|xen|machine|arch)_suspend$|^enter_state$")
# Ways of running a function on another pCPU or later, naming it as an argument.
_DEFERRED = (
    "continue_hypercall_on_cpu",
    "stop_machine_run",
    "on_selected_cpus",
    "on_each_cpu",
    "smp_call_function",
    "smp_call_function_single",
)
_SMC_CALLS = re.compile(r"smc|smccc|hvc", re.IGNORECASE)
_RESUME_PRIMITIVES = ("domain_resume",)
_UNPAUSES = ("domain_unpause", "vcpu_unpause", "domain_unpause_by_systemcontroller")
_ROLE = re.compile(r"\b(?:is_hardware_domain|is_control_domain)\s*\(|\bhardware_domain\b|\bhwdom\b")
_HWDOM = re.compile(r"\bhardware_domain\b|\bhwdom\b")


def _smc_suspends(function: Function) -> bool:
    return any(
        _SMC_CALLS.search(call.callee) and any("SYSTEM_SUSPEND" in a for a in call.args)
        for call in function.calls
    )


def _callees(function: Function) -> frozenset[str]:
    return shared("callees", function, (), lambda: frozenset(c.callee for c in function.calls))


def _firmware_suspend(tree: ArmTree) -> set[str]:
    """Functions that ask the firmware to suspend the host (an SMC/HVC with SYSTEM_SUSPEND)."""
    guest = tree.guest_sync()
    return {
        f.name
        for f in tree.facts.all_functions()
        if f.name not in guest and shared("smc_suspends", f, (), partial(_smc_suspends, f))
    }


def _looping_callers(tree: ArmTree, callees: tuple[str, ...]) -> set[str]:
    """Functions calling one of ``callees`` for every domain (a ``for_each_domain`` loop)."""
    found = set()
    for callee in callees:
        for call in tree.facts.callers_of(callee):
            function = tree.facts.enclosing(call)
            if function is not None and _loops_over_domains(function, callees):
                found.add(function.name)
    return found


def _freezers(tree: ArmTree) -> set[str]:
    """Functions pausing every domain in a loop (``freeze_domains()``)."""
    return _looping_callers(tree, ("domain_pause", "domain_pause_nosync"))


def _thawers(tree: ArmTree) -> set[str]:
    """Functions unpausing every domain in a loop (``thaw_domains()``)."""
    return _looping_callers(tree, _UNPAUSES)


def _loops_over_domains(function: Function, callees: tuple[str, ...]) -> bool:
    if not _callees(function) & set(callees):
        return False

    def make() -> bool:
        for step, _ in walk_with_guards(function.steps):
            if isinstance(step, Loop) and "for_each_domain" in step.header:
                for inner, _ in walk_with_guards(step.body):
                    if isinstance(inner, Call) and inner.callee in callees:
                        return True
        return False

    return shared("loops_over_domains", function, callees, make)


def _host_suspends(tree: ArmTree) -> set[str]:
    firmware = _firmware_suspend(tree)
    freezers = _freezers(tree)
    found = set()
    for function in tree.facts.all_functions():
        callees = _callees(function)
        if (
            _HOST_SUSPEND_NAME.match(function.name)
            or callees & firmware
            or (callees & freezers and function.name not in freezers)
        ):
            found.add(function.name)
    return found


def _resumers(tree: ArmTree) -> set[str]:
    """``domain_resume()`` and the functions resuming the domain they are given."""
    found = set(_RESUME_PRIMITIVES)
    queue = list(found)
    while queue:
        name = queue.pop()
        for call in tree.facts.callers_of(name):
            function = tree.facts.enclosing(call)
            if function is None or function.name in found or not call.args:
                continue
            if call.args[0].strip() in {p.name for p in function.params if p.name}:
                found.add(function.name)
                queue.append(function.name)
    return found


def _is_hwdom_resume(call: Call, resumers: set[str], tree: ArmTree, function: Function) -> bool:
    if call.callee not in resumers or not call.args:
        return False
    argument = call.args[0]
    if _HWDOM.search(argument):
        return True
    init = tree.local_inits(function).get(argument.strip(), "")
    return _HWDOM.search(init) is not None


def _resumes_all(function: Function, resumers: set[str]) -> bool:
    return _loops_over_domains(function, tuple(sorted(resumers)))


def _ordered_events(
    tree: ArmTree,
    function: Function,
    resumers: set[str],
    thawers: set[str],
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, Function, Call]]:
    """``("hwdom", ...)`` and ``("thaw", ...)`` events of ``function`` in source order,
    descending into the functions it calls directly."""
    if _resumes_all(function, resumers):
        first = function.calls[0] if function.calls else None
        if first is not None:
            yield "hwdom", function, first
    for call in function.calls:
        if _is_hwdom_resume(call, resumers, tree, function):
            yield "hwdom", function, call
        elif call.callee in thawers:
            yield "thaw", function, call
        elif depth < 3 and call.callee not in seen and call.callee not in resumers:
            for callee in tree.facts.functions(call.callee):
                yield from _ordered_events(
                    tree, callee, resumers, thawers, depth + 1, seen | {function.name}
                )


def _role_guarded(function: Function, call: Call, tree: ArmTree) -> bool:
    """``call`` runs only for the hardware or a control domain."""
    for guard in call.guards:
        text = guard.text
        if _ROLE.search(text) and not re.search(r"!\s*is_(?:hardware|control)_domain", text):
            return True
    for line, condition in tree.exit_tests(function):
        if line < call.line and re.search(r"!\s*is_(?:hardware|control)_domain\s*\(", condition):
            return True
    return False


def _parks_for_suspend(function: Function, call: Call) -> bool:
    """``function`` parks its domain with SHUTDOWN_suspend before ``call``."""
    return any(
        c.line <= call.line and any("SHUTDOWN_suspend" in a for a in c.args)
        for c in function.calls
        if c.callee != call.callee
    )


def _parks_at(function: Function) -> bool:
    return any(any("SHUTDOWN_suspend" in a for a in c.args) for c in function.calls)


def _parking(tree: ArmTree) -> list[Function]:
    """Functions a guest reaches that park a domain with SHUTDOWN_suspend."""
    guest = tree.guest_any()
    return [
        f
        for name in sorted(guest)
        for f in tree.facts.functions(name)
        if shared("parks", f, (), partial(_parks_at, f))
    ]


def _triggers(tree: ArmTree, suspends: set[str]) -> Iterator[tuple[Function, Call, str]]:
    parking = [f for f in _parking(tree) if f.name not in suspends]
    if not parking:
        return
    towards = set(suspends)
    reverse = tree.reverse_adjacency()
    queue = list(suspends)
    while queue:
        for caller in reverse.get(queue.pop(), ()):
            if caller not in towards:
                towards.add(caller)
                queue.append(caller)
    for function in parking:
        for call in function.calls:
            target = _started(tree, call, suspends, towards)
            if target is None:
                continue
            if _role_guarded(function, call, tree) and _parks_for_suspend(function, call):
                yield function, call, target


def _started(tree: ArmTree, call: Call, suspends: set[str], towards: set[str]) -> str | None:
    if call.callee in suspends:
        return call.callee
    if call.callee in _DEFERRED:
        for argument in call.args:
            for name in tree.function_refs(argument):
                if name in towards:
                    return name
    for handler in tree.scheduled_handlers(call):
        if handler in towards:
            return handler
    return None


def _wake_sites(tree: ArmTree, resumers: set[str]) -> list[tuple[Function, Call, tuple[str, ...]]]:
    """Resumes of a woken domain on the interrupt path not preceded by the hardware domain's."""
    out = []
    irq = tree.irq_reach()
    for name in sorted(irq):
        if name in resumers:
            continue
        for function in tree.facts.functions(name):
            hwdom_first = False
            for call in function.calls:
                if _is_hwdom_resume(call, resumers, tree, function):
                    hwdom_first = True
                elif call.callee in resumers and not hwdom_first:
                    out.append((function, call, irq[name]))
    return out


def _trigger_text(tree: ArmTree, function: Function, call: Call) -> str:
    return tree.statement_text(call.path, call.line, call.end_line).strip()


def _scenario(wakes: bool, thaws: bool) -> str:
    if wakes and thaws:
        return (
            "if the host wakes up for a guest's device interrupt that guest resumes, and "
            "thawing lets the other guests run,"
        )
    if wakes:
        return "if the host wakes up for a guest's device interrupt, that guest resumes"
    return "on the way back the domains are thawed and the guests run"


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    if not _parking(tree):
        return
    suspends = _host_suspends(tree)
    if not suspends:
        return
    triggers = list(_triggers(tree, suspends))
    if not triggers:
        return
    resumers = _resumers(tree)
    thawers = _thawers(tree)
    wakes: list[Related] = []
    for function, call, path in _wake_sites(tree, resumers):
        wakes.append(
            related(
                ctx,
                f"{function.name}() resumes the woken domain ({call.text}) without resuming the "
                f"hardware domain first; it runs on a device interrupt: {describe_path(path)}",
                call.path,
                call.line,
                tree.line_text(call.path, call.line).strip(),
            )
        )
    thaws: list[Related] = []
    host_notes: list[Related] = []
    for name in sorted(suspends):
        for suspend in tree.facts.functions(name):
            resumed = False
            for kind, where, event in _ordered_events(tree, suspend, resumers, thawers):
                if kind == "hwdom":
                    resumed = True
                elif not resumed:
                    thaws.append(
                        related(
                            ctx,
                            f"{where.name}() calls {event.callee}() on the host's way back "
                            "before the hardware domain is resumed, so the domains it unpauses "
                            "run without their backends",
                            event.path,
                            event.line,
                            tree.line_text(event.path, event.line).strip(),
                        )
                    )
            if not resumed:
                host_notes.append(
                    related(
                        ctx,
                        f"{suspend.name}() returns without resuming the hardware domain: after "
                        "the host wakes up, only the domains woken by their own interrupts run",
                        suspend.path,
                        suspend.name_line,
                        tree.line_text(suspend.path, suspend.name_line).strip(),
                    )
                )
    unsafe = [*wakes, *thaws]
    if not unsafe:
        return
    # The behavioural model, run on the facts of this same tree, shows how it breaks.
    model_trace = (
        confirming_trace(view.facts, "backend-before-frontend", ctx.series, ctx.patch)
        if view.facts is not None
        else ()
    )
    for function, call, target in triggers:
        text = _trigger_text(tree, function, call)
        how = (
            f"{call.callee}() runs {target}()" if call.callee != target else f"it calls {target}()"
        )
        yield ctx.finding(
            RULE,
            f"When the hardware domain suspends, {function.name}() suspends the whole host "
            f"({how}), but the resume path lets guests run before the hardware domain: "
            f"{_scenario(bool(wakes), bool(thaws))} while Dom0, which holds the PV backends "
            "and xenstored, is still suspended, so the guests' PV frontends wait for requests "
            "nobody serves; resume the hardware domain (and any driver domain) before any guest "
            "can run, on the host's resume path and when a guest's own interrupt wakes it.",
            path=call.path,
            target_line=call.line,
            excerpt=tree.line_text(call.path, call.line).strip(),
            related=[*unsafe, *host_notes, *model_trace],
            key=f"{function.name}:{' '.join(text.split())}",
            extra=(("host_suspend", target), ("trigger", function.name)),
        )
