"""The suspend model's facts, read from the C facts of the patched tree.

:func:`extract_suspend_facts` turns a :class:`~xenreview.code.facts.TreeFacts`
into the :class:`~xenreview.model.facts.SuspendFacts` the model needs.  Every
fact is found from the code, starting at what a guest can call, never from
the names of the bundled series:

``hwdom_suspend``
    The virtual PSCI dispatchers' ``SYSTEM_SUSPEND`` case is followed down
    the direct calls to the function that parks the domain (a call with
    ``SHUTDOWN_suspend`` among its arguments, ``domain_shutdown(d,
    SHUTDOWN_suspend)``).  An ``if ( is_hardware_domain(d) ) return ...;``
    on that chain before the parking refuses the hardware domain
    (REFUSED); otherwise it is parked like a guest (PARK).
``hwdom_shutdown_halts``
    Whether the parking callee (``domain_shutdown()``) calls a function
    that reboots or halts the machine (``hwdom_shutdown()``, or anything
    reaching ``machine_restart()``/``machine_halt()``) for the hardware
    domain without excluding ``SHUTDOWN_suspend`` (``reason !=
    SHUTDOWN_suspend`` in its condition, an earlier exit, or a
    ``case SHUTDOWN_suspend`` of the callee that does neither).
``trigger``, ``mechanism``, ``suspend_cpu``
    A call on the SYSTEM_SUSPEND chain that starts the host suspend: a
    function that calls the firmware's SYSTEM_SUSPEND (an SMC with a
    ``SYSTEM_SUSPEND`` function id, or ``call_psci_system_suspend()``),
    pauses every domain (``freeze_domains()``) or is Xen's host suspend
    by name (``system_suspend``, ``enter_state``...), reached directly
    (DIRECT), through ``continue_hypercall_on_cpu(cpu, ...)``
    (CONTINUATION) or a tasklet (``tasklet_schedule_on_cpu(&t, cpu)``,
    TASKLET).  The guard ``is_hardware_domain()`` makes the hardware
    domain the trigger.  No such call: nothing starts a host suspend
    (NONE).
``suspend_steps``, ``resume_path``, ``error_paths``
    The host suspend function's statements, mapped to the model's
    operations (:func:`~xenreview.model.facts.op_for_call`, the firmware
    call, ``system_state`` assignments, resuming the hardware domain): the
    forward steps up to the firmware call; what runs after it (or, before
    the firmware call exists, after the last forward step) to the end of
    the function, labels falling through; for each step whose failure is
    tested (``status = step(); if ( status ) goto label;`` or ``return``),
    what its error path runs.  Operations in a conditional branch are taken
    as run (``if ( domain_is_suspended(hardware_domain) )
    resume_suspended_domain(hardware_domain);`` resumes it when needed).
``wake_action``
    The functions the interrupt path runs (``do_IRQ()`` and the tasklets
    it schedules) that resume a domain (``domain_resume()`` or a function
    passing its own parameter to it): the woken domain alone
    (RESUME_DOMAIN), the hardware domain first (RESUME_HWDOM_FIRST), or
    nobody (UNBLOCK_ONLY).
``offline_check_locked``
    The ``for_each_vcpu`` loop that refuses SYSTEM_SUSPEND while another
    vCPU is online, and the parking, both under the same lock
    (``domain_lock(d)``).
``irqs_follow_cpu_down``
    Whether ``disable_nonboot_cpus()`` reaches code moving interrupts off
    the pCPUs going down (a call whose name says it migrates, moves or
    sets the affinity of interrupts).

A fact that cannot be found is UNKNOWN with a note saying what was
missing.  When nothing starts a host suspend (the base mini tree: the
hardware domain's SYSTEM_SUSPEND is refused), the sequence facts are
known to be empty and :func:`host_suspend_absent` says why: the
properties about the host suspend are then "not applicable" (see
:data:`HOST_SUSPEND_PROPERTIES`).
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from xenreview.code.facts import EdgeKind, EntryKind, TreeFacts
from xenreview.code.flow import locks_held_at
from xenreview.code.model import (
    Assignment,
    Branch,
    Call,
    CallKind,
    Function,
    GuardKind,
    Jump,
    JumpKind,
    LabelMark,
    Loop,
    Step,
    Switch,
)
from xenreview.model.facts import (
    FAILABLE,
    FORWARD_OPS,
    Fact,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendFacts,
    Trigger,
    WakeAction,
    op_for_call,
)
from xenreview.model.trace import FactRef
from xenreview.rules.lib_arm import IRQ_ENTRIES, ArmTree

__all__ = [
    "HOST_SUSPEND_PROPERTIES",
    "extract_suspend_facts",
    "fact_data",
    "facts_data",
    "host_suspend_absent",
]

# The properties that only say something about a host suspend: with no host
# suspend in the tree they are "not applicable" (the others still hold or not).
HOST_SUSPEND_PROPERTIES = frozenset(
    {
        "firmware-preconditions",
        "resume-undoes-completed-steps",
        "registers-written-by-own-handler",
        "wake-targets-online-pcpu",
        "wake-resumes-host",
        "host-suspend-ends",
        "suspend-resume-possible",
        "io-after-resume",
    }
)

# Xen's names for the host suspend itself (Arm's system_suspend(), x86's enter_state()).
_HOST_SUSPEND_NAME = re.compile(r"^(?:system|host|xen|machine|arch)_suspend$|^enter_state$")
_SMC_CALL = re.compile(r"smc|smccc|hvc", re.IGNORECASE)
_HWDOM = re.compile(r"\bhardware_domain\b|\bhwdom\b")
_IS_HWDOM = re.compile(r"(?<![!\w])is_hardware_domain\s*+\(")
_NOT_HWDOM = re.compile(r"!\s*is_hardware_domain\s*\(")
_IS_CONTROL = re.compile(r"(?<![!\w])is_control_domain\s*+\(")
_SUSPEND_EXCLUDED = re.compile(r"!=\s*SHUTDOWN_suspend\b|\bSHUTDOWN_suspend\s*!=")
_SUSPEND_ONLY = re.compile(r"==\s*SHUTDOWN_suspend\b|\bSHUTDOWN_suspend\s*==")
_IRQ_MOVE = re.compile(r"irq\w*(?:affinit|migrat|move)|(?:migrat|move|fixup)\w*irq", re.IGNORECASE)
_INT = re.compile(r"^\s*+\(?\s*+(\d++)[uU]?\s*+\)?\s*+$")

_RESUME_PRIMITIVES = ("domain_resume",)
_MACHINE_STOPS = ("machine_restart", "machine_halt", "machine_power_off")
_PAUSES = ("domain_pause", "domain_pause_nosync")
# Running a function on another pCPU or later, naming it as an argument.
_CONTINUATIONS = ("continue_hypercall_on_cpu",)
_CROSS_CPU = (
    "stop_machine_run",
    "on_selected_cpus",
    "on_each_cpu",
    "smp_call_function",
    "smp_call_function_single",
)
_TASKLET_ON_CPU = "tasklet_schedule_on_cpu"
_TASKLET = "tasklet_schedule"
_SEARCH_DEPTH = 4


def _ref(path: str, line: int, text: str) -> FactRef:
    return FactRef(path, line, " ".join(text.split()))


def _call_ref(call: Call) -> FactRef:
    return _ref(call.path, call.line, call.text)


def _function_ref(function: Function, text: str | None = None) -> FactRef:
    return _ref(function.path, function.name_line, text or f"{function.name}()")


def _condition_text(call: Call) -> str:
    """``if ( cond ) call(...)`` for a call under IF guards, else the call's text."""
    conditions = [g.text for g in call.guards if g.kind is GuardKind.IF]
    if not conditions:
        return call.text
    return f"if ( {' && '.join(conditions)} ) {call.text}"


def _ends_with_return(steps: Sequence[Step]) -> Jump | None:
    if steps and isinstance(steps[-1], Jump) and steps[-1].kind is JumpKind.RETURN:
        return steps[-1]
    return None


def _walk(steps: Sequence[Step]) -> Iterator[Step]:
    for step in steps:
        yield step
        if isinstance(step, Branch):
            yield from _walk(step.then)
            if step.otherwise is not None:
                yield from _walk(step.otherwise)
        elif isinstance(step, Loop):
            yield from _walk(step.body)
        elif isinstance(step, Switch):
            for case in step.cases:
                yield from _walk(case.body)


def _conjuncts(condition: str) -> list[str]:
    return [part.strip() for part in condition.split("&&")]


@dataclass(frozen=True, slots=True)
class _Chain:
    """From the SYSTEM_SUSPEND case to the call that parks the domain."""

    functions: tuple[Function, ...]  # the case's callee first, the parking function last
    links: tuple[Call, ...]  # the call of each function to the next one
    parking: Call  # domain_shutdown(d, SHUTDOWN_suspend)


@dataclass(frozen=True, slots=True)
class _Start:
    """A call that starts the host suspend."""

    function: Function  # where the call is
    call: Call
    mechanism: Mechanism
    target: str  # the host suspend function it runs
    cpu: str | None  # the pCPU argument as written (None: the caller's pCPU)


@dataclass(frozen=True, slots=True)
class _Item:
    """One statement of the host suspend function, as the model sees it."""

    kind: str  # "op", "label", "goto", "return", "fail", "unknown"
    op: Op | None = None
    ref: FactRef | None = None
    label: str = ""  # for label and goto
    depth: int = 0  # branch nesting
    note: str = ""


class _Extractor:
    def __init__(self, facts: TreeFacts) -> None:
        self.facts = facts
        self.arm = ArmTree(facts, lambda path: None)
        self._resumers: frozenset[str] | None = None
        self._firmware: frozenset[str] | None = None
        self._host: dict[str, bool] = {}
        self._stops: dict[str, bool] = {}

    # -- shared analyses -----------------------------------------------------------------

    def defined(self, name: str) -> Function | None:
        found = self.facts.functions(name)
        return found[0] if found else None

    def resumers(self) -> frozenset[str]:
        """``domain_resume()`` and the functions passing their own parameter to a resumer."""
        if self._resumers is None:
            found = set(_RESUME_PRIMITIVES)
            queue = deque(found)
            while queue:
                name = queue.popleft()
                for call in self.facts.callers_of(name):
                    function = self.facts.enclosing(call)
                    if function is None or function.name in found or not call.args:
                        continue
                    params = {p.name for p in function.params if p.name}
                    if call.args[0].strip() in params:
                        found.add(function.name)
                        queue.append(function.name)
            self._resumers = frozenset(found)
        return self._resumers

    def firmware(self) -> frozenset[str]:
        """Functions that ask the firmware to suspend the host (and their direct wrappers)."""
        if self._firmware is None:
            direct = {
                f.name
                for f in self.facts.all_functions()
                if any(
                    _SMC_CALL.search(c.callee) and any("SYSTEM_SUSPEND" in a for a in c.args)
                    for c in f.calls
                )
            }
            guest = set(self.arm.guest_sync())
            direct = {name for name in direct if name not in guest}
            self._firmware = frozenset(direct | {"call_psci_system_suspend"})
        return self._firmware

    def is_firmware_call(self, call: Call) -> bool:
        return call.callee in self.firmware()

    def is_host_suspend(self, name: str) -> bool:
        """Xen's host suspend: by name, or it calls the firmware's suspend or freezes domains."""
        known = self._host.get(name)
        if known is not None:
            return known
        result = bool(_HOST_SUSPEND_NAME.match(name))
        for function in self.facts.functions(name):
            callees = {c.callee for c in function.calls}
            if callees & self.firmware() and name not in self.firmware():
                result = True
            if "freeze_domains" in callees or any(
                self._pauses_every_domain(self.defined(c)) for c in callees if c != name
            ):
                result = True
        self._host[name] = result
        return result

    @staticmethod
    def _pauses_every_domain(function: Function | None) -> bool:
        if function is None:
            return False
        for step in _walk(function.steps):
            if (
                isinstance(step, Loop)
                and "for_each_domain" in step.header
                and any(isinstance(s, Call) and s.callee in _PAUSES for s in _walk(step.body))
            ):
                return True
        return False

    def host_suspend_reached(self, name: str) -> str | None:
        """The host suspend function ``name`` runs (itself, or through direct calls/tasklets)."""
        if self.is_host_suspend(name):
            return name
        paths = self.arm.reach([name], kinds=(EdgeKind.CALL,), tasklets=True)
        # Breadth-first order: paths never get shorter, so only the first levels are built.
        best: tuple[int, str] | None = None
        for reached in paths:
            depth = len(paths[reached]) - 1
            if depth > _SEARCH_DEPTH:
                break
            if reached != name and self.is_host_suspend(reached):
                best = min(best or (depth, reached), (depth, reached))
        return best[1] if best is not None else None

    # -- SYSTEM_SUSPEND --------------------------------------------------------------------

    def chains(self) -> list[_Chain]:
        """Every path from a vPSCI SYSTEM_SUSPEND case to the call parking the domain."""
        out: list[_Chain] = []
        for entry in self.facts.entry_points():
            if entry.kind is not EntryKind.SMCCC or entry.function is None:
                continue
            for arm in self.facts.cases_in(entry.function):
                if not any("SYSTEM_SUSPEND" in label for label in arm.labels):
                    continue
                for call in arm.calls:
                    if call.kind is not CallKind.FUNCTION:
                        continue
                    chain = self._chain_from(call)
                    if chain is not None and chain not in out:
                        out.append(chain)
        return out

    def _chain_from(self, first: Call) -> _Chain | None:
        queue: deque[tuple[tuple[Function, ...], tuple[Call, ...]]] = deque()
        start = self.defined(first.callee)
        if start is None:
            return None
        queue.append(((start,), ()))
        seen = {start.name}
        while queue:
            functions, links = queue.popleft()
            last = functions[-1]
            for call in last.calls:
                if any("SHUTDOWN_suspend" in arg for arg in call.args):
                    return _Chain(functions, links, call)
            if len(functions) > _SEARCH_DEPTH:
                continue
            for call in last.calls:
                callee = self.defined(call.callee) if call.kind is CallKind.FUNCTION else None
                if callee is not None and callee.name not in seen:
                    seen.add(callee.name)
                    queue.append(((*functions, callee), (*links, call)))
        return None

    def refusal(self, chain: _Chain) -> tuple[FactRef | None, str]:
        """Where the chain refuses the hardware domain, and a note when it does so only
        under a condition."""
        stops = (*chain.links, chain.parking)
        for function, stop in zip(chain.functions, stops, strict=True):
            for step in _walk(function.steps):
                if not isinstance(step, Branch) or step.line >= stop.line:
                    continue
                jump = _ends_with_return(step.then)
                if jump is None or not _IS_HWDOM.search(step.condition):
                    continue
                if _NOT_HWDOM.search(step.condition):
                    continue
                text = f"if ( {step.condition} ) return {jump.target or ''};".replace(" ;", ";")
                ref = _ref(function.path, step.line, text)
                if re.fullmatch(r"\s*is_hardware_domain\s*\([^()]*\)\s*", step.condition):
                    return ref, ""
                return ref, f"refused under a condition: {step.condition}"
        return None, ""

    def hwdom_suspend(self, chains: list[_Chain]) -> Fact[HwdomSuspend]:
        if not chains:
            return Fact.unknown(
                "no virtual PSCI SYSTEM_SUSPEND case leads to a domain_shutdown(..., "
                "SHUTDOWN_suspend)"
            )
        for chain in chains:
            ref, condition = self.refusal(chain)
            if ref is not None:
                if condition:
                    return Fact.unknown(f"SYSTEM_SUSPEND of the hardware domain {condition}")
                return Fact(HwdomSuspend.REFUSED, ref, "the hardware domain is refused")
        chain = chains[0]
        note = f"{chain.functions[-1].name}() parks every domain, the hardware domain included"
        return Fact(HwdomSuspend.PARK, _call_ref(chain.parking), note)

    def shutdown_halts(self, chains: list[_Chain]) -> Fact[bool]:
        if not chains:
            return Fact.unknown("no domain_shutdown(..., SHUTDOWN_suspend) found")
        parking = chains[0].parking
        shutdown = self.defined(parking.callee)
        if shutdown is None:
            return Fact.unknown(f"{parking.callee}() is not defined in the tree")
        excluded: FactRef | None = None
        for call in shutdown.calls:
            if not self._stops_machine(call.callee):
                continue
            texts = [g.text for g in call.guards]
            if any(_NOT_HWDOM.search(t) for t in texts):
                continue
            if not any(_IS_HWDOM.search(t) for t in texts):
                continue
            guard_excludes = any(
                (
                    g.kind is GuardKind.IF
                    and any(_SUSPEND_EXCLUDED.search(c) for c in _conjuncts(g.text))
                )
                or (g.kind is GuardKind.ELSE and _SUSPEND_ONLY.search(g.text))
                for g in call.guards
            )
            early_exit = any(
                line < call.line and _SUSPEND_ONLY.search(condition)
                for line, condition in self.arm.exit_tests(shutdown)
            )
            if guard_excludes or early_exit or self._handles_suspend(call.callee):
                excluded = excluded or _ref(call.path, call.line, _condition_text(call))
                continue
            return Fact(
                True,
                _ref(call.path, call.line, _condition_text(call)),
                f"{shutdown.name}() hands the hardware domain's SHUTDOWN_suspend to "
                f"{call.callee}()",
            )
        if excluded is not None:
            return Fact(False, excluded, "SHUTDOWN_suspend is kept from the reboot/halt path")
        return Fact(
            False,
            _function_ref(shutdown),
            f"{shutdown.name}() does not reboot or halt for the hardware domain",
        )

    def _stops_machine(self, name: str) -> bool:
        """``name`` reboots or halts the machine (``hwdom_shutdown()``, ``machine_halt()``...)."""
        known = self._stops.get(name)
        if known is None:
            known = name == "hwdom_shutdown" or name in _MACHINE_STOPS
            if not known and self.defined(name) is not None:
                reach = self.arm.reach([name], kinds=(EdgeKind.CALL,))
                known = any(stop in reach for stop in _MACHINE_STOPS)
            self._stops[name] = known
        return known

    def _handles_suspend(self, name: str) -> bool:
        """``name`` has a ``case SHUTDOWN_suspend`` that neither reboots nor halts."""
        function = self.defined(name)
        if function is None:
            return False
        for arm in self.facts.cases_in(function):
            if "SHUTDOWN_suspend" in arm.labels and not any(
                self._stops_machine(c.callee) for c in arm.calls
            ):
                return True
        return False

    # -- the trigger ---------------------------------------------------------------------

    def start(self, chains: list[_Chain]) -> _Start | None:
        """The call starting the host suspend on the SYSTEM_SUSPEND chain."""
        for chain in chains:
            skip = {(c.line, c.column) for c in (*chain.links, chain.parking)}
            chain_names = {f.name for f in chain.functions}
            for function in chain.functions:
                for call in function.calls:
                    if (call.line, call.column) in skip:
                        continue
                    found = self._started(function, call, chain_names)
                    if found is not None:
                        return found
        return None

    def _started(self, function: Function, call: Call, chain: set[str]) -> _Start | None:
        callee = call.callee
        if callee in _CONTINUATIONS:
            for arg in call.args[1:]:
                for name in self.arm.function_refs(arg):
                    target = self.host_suspend_reached(name)
                    if target is not None:
                        cpu = call.args[0] if call.args else None
                        return _Start(function, call, Mechanism.CONTINUATION, target, cpu)
            return None
        if callee in (_TASKLET, _TASKLET_ON_CPU):
            for handler in self.arm.scheduled_handlers(call):
                target = self.host_suspend_reached(handler)
                if target is not None:
                    cpu = call.args[1] if callee == _TASKLET_ON_CPU and len(call.args) > 1 else None
                    return _Start(function, call, Mechanism.TASKLET, target, cpu)
            return None
        if callee in _CROSS_CPU:
            for arg in call.args:
                for name in self.arm.function_refs(arg):
                    target = self.host_suspend_reached(name)
                    if target is not None:
                        return _Start(function, call, Mechanism.NONE, target, None)
            return None
        if call.kind is CallKind.FUNCTION and callee not in chain and self.defined(callee):
            target = self.host_suspend_reached(callee)
            if target is not None:
                return _Start(function, call, Mechanism.DIRECT, target, None)
        return None

    def trigger(self, start: _Start) -> Fact[Trigger]:
        call = start.call
        for guard in call.guards:
            text = guard.text
            if (
                guard.kind is GuardKind.IF
                and _IS_HWDOM.search(text)
                and not _NOT_HWDOM.search(text)
            ):
                ref = _ref(call.path, guard.line, f"if ( {text} )")
                return Fact(Trigger.HARDWARE_DOMAIN, ref, "the hardware domain's suspend")
        for line, condition in self.arm.exit_tests(start.function):
            if line < call.line and _NOT_HWDOM.search(condition):
                ref = _ref(call.path, line, f"if ( {condition} )")
                return Fact(Trigger.HARDWARE_DOMAIN, ref, "the hardware domain's suspend")
        if any(_IS_CONTROL.search(g.text) for g in call.guards):
            return Fact.unknown(
                f"{call.callee}() is started by a control domain's suspend, without a check "
                "that it is the last control domain awake: not in the model's vocabulary"
            )
        return Fact.unknown(
            f"{call.callee}() is started by every domain's SYSTEM_SUSPEND: not in the "
            "model's vocabulary"
        )

    # -- the host suspend's statements -----------------------------------------------------

    def items(self, function: Function) -> list[_Item]:
        """The statements of ``function`` the model knows, in order (branches flattened)."""
        out: list[_Item] = []
        self._items(function.path, function.steps, out, 0, {})
        return out

    def _items(
        self,
        path: str,
        steps: Sequence[Step],
        out: list[_Item],
        depth: int,
        assigned: dict[str, Op],
    ) -> None:
        for index, step in enumerate(steps):
            if isinstance(step, Call):
                op = self._call_op(step)
                if op is not None:
                    out.append(_Item("op", op, _call_ref(step), depth=depth))
                    if step.assigned_to is not None:
                        assigned[step.assigned_to.split()[-1]] = op
                elif step.callee in self.resumers() and step.args:
                    text = f"{step.callee}() resumes {step.args[0].strip()}: which domain that is"
                    out.append(_Item("unknown", None, _call_ref(step), note=text))
            elif isinstance(step, Assignment):
                assigned.pop(step.target.strip(), None)
                op = self._assignment_op(step)
                if op is not None:
                    ref = _ref(step.path, step.line, f"{step.target} = {step.value}")
                    out.append(_Item("op", op, ref, depth=depth))
            elif isinstance(step, LabelMark):
                out.append(_Item("label", label=step.name, depth=depth))
            elif isinstance(step, Jump):
                if step.kind is JumpKind.GOTO and step.target is not None:
                    out.append(_Item("goto", label=step.target, depth=depth))
                elif step.kind is JumpKind.RETURN:
                    out.append(_Item("return", depth=depth))
            elif isinstance(step, Branch):
                tested = [
                    op for var, op in assigned.items() if re.search(rf"\b{var}\b", step.condition)
                ]
                inner_calls = [
                    s
                    for s in steps[max(index - 3, 0) : index]
                    if isinstance(s, Call) and s.in_condition
                ]
                for call in inner_calls:
                    op = self._call_op(call)
                    if op is not None:
                        tested.append(op)
                then_ends = step.then[-1] if step.then else None
                leaves = isinstance(then_ends, Jump) and then_ends.kind in (
                    JumpKind.GOTO,
                    JumpKind.RETURN,
                )
                if tested and leaves:
                    out.append(_Item("fail", tested[-1], depth=depth))
                self._items(path, step.then, out, depth + 1, assigned)
                if tested and leaves:
                    out.append(_Item("endfail", tested[-1], depth=depth))
                if step.otherwise is not None:
                    self._items(path, step.otherwise, out, depth + 1, assigned)
            elif isinstance(step, Loop):
                if "for_each_domain" in step.header and any(
                    isinstance(s, Call) and s.callee in self.resumers() for s in _walk(step.body)
                ):
                    ref = _ref(path, step.line, step.header)
                    out.append(
                        _Item("unknown", None, ref, note="resumes domains in a loop: which ones")
                    )
                else:
                    self._items(path, step.body, out, depth + 1, assigned)
            elif isinstance(step, Switch):
                for case in step.cases:
                    self._items(path, case.body, out, depth + 1, assigned)

    def _call_op(self, call: Call) -> Op | None:
        if self.is_firmware_call(call):
            return Op.FIRMWARE
        op = op_for_call(call.callee)
        if op is not None and op not in (Op.SET_SUSPEND_STATE, Op.SET_ACTIVE_STATE):
            return op
        if call.callee in self.resumers() and call.args and _HWDOM.search(call.args[0]):
            return Op.RESUME_HWDOM
        return None

    @staticmethod
    def _assignment_op(step: Assignment) -> Op | None:
        if step.target.strip() != "system_state" or step.op != "=" or step.value is None:
            return None
        op = op_for_call(step.value.strip())
        return op if op in (Op.SET_SUSPEND_STATE, Op.SET_ACTIVE_STATE) else None

    def sequence(
        self, function: Function
    ) -> tuple[
        Fact[tuple[Op, ...]],
        Fact[tuple[Op, ...]],
        Fact[tuple[tuple[Op, tuple[Op, ...]], ...]],
        tuple[tuple[Op, FactRef], ...],
    ]:
        items = self.items(function)
        where = _function_ref(function)
        unknown = [item for item in items if item.kind == "unknown"]
        locations: dict[Op, FactRef] = {}
        for item in items:
            if item.kind == "op" and item.op is not None and item.ref is not None:
                locations.setdefault(item.op, item.ref)
        op_locations = tuple(locations.items())
        if unknown:
            first = unknown[0]
            note = f"{first.note} is not known" if first.note else "not in the vocabulary"
            where_text = f" at {first.ref.location}" if first.ref is not None else ""
            bad: Fact[object] = Fact.unknown(f"{function.name}(): {note}{where_text}")
            return bad, bad, bad, op_locations  # type: ignore[return-value]
        # Forward steps: up to the firmware call; without one, up to the first undo step.
        blocks = self._error_blocks(items)
        ops = [(k, item) for k, item in enumerate(items) if item.kind == "op" and k not in blocks]
        firmware = next((k for k, item in ops if item.op is Op.FIRMWARE), None)
        forward: list[tuple[int, _Item]] = []
        if firmware is not None:
            forward = [(k, item) for k, item in ops if k <= firmware]
            strays = [item for _, item in forward if item.op not in FORWARD_OPS]
            if strays or sum(1 for _, i in ops if i.op is Op.FIRMWARE) > 1:
                what = (
                    f"{strays[0].op} before the firmware call"
                    if strays
                    else "the firmware called twice"
                )
                bad = Fact.unknown(f"{function.name}(): {what}")
                return bad, bad, bad, op_locations  # type: ignore[return-value]
            end = firmware
        else:
            for k, item in ops:
                if item.op not in FORWARD_OPS or item.op is Op.FIRMWARE:
                    break
                forward.append((k, item))
            end = forward[-1][0] if forward else -1
        steps = tuple(item.op for _, item in forward if item.op is not None)
        resume = self._run_from(items, end + 1)
        errors: list[tuple[Op, tuple[Op, ...]]] = []
        for k, item in enumerate(items):
            if item.kind != "fail" or item.op not in FAILABLE or item.op not in steps:
                continue
            if item.op in (o for o, _ in errors):
                continue
            errors.append((item.op, self._error_path(items, k)))
        first_label = next((i for i in items if i.kind == "label"), None)
        error_ref = where
        if first_label is not None:
            error_ref = _ref(function.path, function.name_line, f"{function.name}(): error labels")
        resume_ref = next(
            (item.ref for item in items[end + 1 :] if item.kind == "op" and item.ref), where
        )
        return (
            Fact(steps, where, f"the forward steps of {function.name}()"),
            Fact(resume, resume_ref, "what runs after the firmware call, to the end"),
            Fact(tuple(errors), error_ref, "the error path of each step whose failure is tested"),
            op_locations,
        )

    @staticmethod
    def _error_blocks(items: list[_Item]) -> frozenset[int]:
        """The indices of the items inside an error check's branch."""
        inside: set[int] = set()
        depth = 0
        for k, item in enumerate(items):
            if item.kind == "fail":
                depth += 1
            elif item.kind == "endfail":
                depth -= 1
            elif depth > 0:
                inside.add(k)
        return frozenset(inside)

    def _run_from(self, items: list[_Item], start: int, limit: int = 64) -> tuple[Op, ...]:
        """The operations run from ``items[start]`` to the end, following gotos and
        falling through labels; the inside of error checks is skipped."""
        out: list[Op] = []
        labels = {item.label: k for k, item in enumerate(items) if item.kind == "label"}
        k = start
        fails = 0
        hops = 0
        while 0 <= k < len(items):
            item = items[k]
            if item.kind == "fail":
                fails += 1
            elif item.kind == "endfail":
                fails -= 1
            elif fails > 0:
                pass
            elif item.kind == "op" and item.op is not None:
                out.append(item.op)
            elif item.kind == "return" and item.depth == 0:
                break
            elif item.kind == "goto" and item.depth == 0:
                hops += 1
                if item.label not in labels or hops > limit:
                    break
                k = labels[item.label]
                continue
            k += 1
        return tuple(out)

    def _error_path(self, items: list[_Item], k: int) -> tuple[Op, ...]:
        """What the error check at ``items[k]`` runs: its branch, then where it jumps."""
        out: list[Op] = []
        labels = {item.label: j for j, item in enumerate(items) if item.kind == "label"}
        j = k + 1
        depth = 1
        while j < len(items):
            item = items[j]
            if item.kind == "fail":
                depth += 1
            elif item.kind == "endfail":
                depth -= 1
                if depth == 0:
                    break
            elif item.kind == "op" and item.op is not None and depth == 1:
                out.append(item.op)
            elif item.kind == "goto" and depth == 1:
                if item.label in labels:
                    out.extend(self._run_from(items, labels[item.label]))
                return tuple(out)
            elif item.kind == "return" and depth == 1:
                return tuple(out)
            j += 1
        return tuple(out)

    # -- wake-up --------------------------------------------------------------------------

    def wake_action(self, host: str | None) -> Fact[WakeAction]:
        entries = [name for name in IRQ_ENTRIES if self.facts.functions(name)]
        if not entries:
            return Fact.unknown("no interrupt entry (do_IRQ(), gic_interrupt()...) in the tree")
        reach = self.arm.irq_reach()
        resumers = self.resumers()
        woken: FactRef | None = None
        first: FactRef | None = None
        for name in sorted(reach):
            if name in resumers or name == host:
                continue
            for function in self.facts.functions(name):
                hwdom_first: FactRef | None = None
                for call in function.calls:
                    if call.callee not in resumers or not call.args:
                        continue
                    if _HWDOM.search(call.args[0]):
                        hwdom_first = hwdom_first or _call_ref(call)
                    elif hwdom_first is None:
                        woken = woken or _call_ref(call)
                    else:
                        first = first or hwdom_first
        if woken is not None:
            return Fact(
                WakeAction.RESUME_DOMAIN,
                woken,
                "the interrupt path resumes the woken domain alone",
            )
        if first is not None:
            return Fact(
                WakeAction.RESUME_HWDOM_FIRST,
                first,
                "the interrupt path resumes the hardware domain before the woken domain",
            )
        entry = self.defined(entries[-1])
        assert entry is not None
        return Fact(
            WakeAction.UNBLOCK_ONLY,
            _function_ref(entry, f"{entry.name}(): nothing on the interrupt path resumes a domain"),
            "a device interrupt is injected; the domain stays suspended",
        )

    # -- vCPUs and locks ------------------------------------------------------------------

    def offline_check(self, chains: list[_Chain]) -> Fact[bool]:
        if not chains:
            return Fact.unknown("no SYSTEM_SUSPEND handler found")
        chain = chains[0]
        stops = (*chain.links, chain.parking)
        for function, stop in zip(chain.functions, stops, strict=True):
            for step in _walk(function.steps):
                if not isinstance(step, Loop) or "for_each_vcpu" not in step.header:
                    continue
                if step.line > stop.line:
                    continue
                refuses = any(
                    isinstance(s, Branch) and _ends_with_return(s.then) is not None
                    for s in step.body
                )
                probe = next((s for s in _walk(step.body) if isinstance(s, Call)), None)
                if not refuses or probe is None:
                    continue
                at_check = {
                    (c.callee, c.args[0] if c.args else ""): c
                    for c in locks_held_at(function, probe)
                }
                at_stop = {
                    (c.callee, c.args[0] if c.args else ""): c
                    for c in locks_held_at(function, stop)
                }
                common = [at_check[key] for key in at_check if key in at_stop]
                if common:
                    lock = common[0]
                    return Fact(
                        True,
                        _call_ref(lock),
                        "the other-vCPUs-offline check and the parking are under one lock",
                    )
                return Fact(
                    False,
                    _ref(function.path, step.line, step.header),
                    "the other-vCPUs-offline check and the parking are not under one lock",
                )
        return Fact.unknown("no check that the caller's other vCPUs are offline found")

    def irqs_follow(self) -> Fact[bool]:
        down = self.defined("disable_nonboot_cpus")
        if down is None:
            return Fact.unknown("disable_nonboot_cpus() is not defined in the tree")
        reach = self.arm.reach([down.name], kinds=(EdgeKind.CALL, EdgeKind.MEMBER, EdgeKind.TABLE))
        for name in sorted(reach):
            for function in self.facts.functions(name):
                for call in function.calls:
                    if _IRQ_MOVE.search(call.callee):
                        return Fact(True, _call_ref(call), "interrupts move off a pCPU going down")
        return Fact(
            False,
            _function_ref(down, f"{down.name}(): no interrupt is moved off a pCPU going down"),
            "interrupts routed to a pCPU that goes down stay there",
        )

    # -- everything -----------------------------------------------------------------------

    def extract(self) -> SuspendFacts:
        chains = self.chains()
        hwdom = self.hwdom_suspend(chains)
        halts = self.shutdown_halts(chains)
        offline = self.offline_check(chains)
        irqs = self.irqs_follow()
        start = self.start(chains) if chains else None
        if not chains:
            missing = "no SYSTEM_SUSPEND handler found"
            unknown = SuspendFacts.all_unknown(missing)
            return SuspendFacts(
                hwdom_suspend=hwdom,
                hwdom_shutdown_halts=halts,
                trigger=unknown.trigger,
                mechanism=unknown.mechanism,
                suspend_cpu=unknown.suspend_cpu,
                suspend_steps=unknown.suspend_steps,
                resume_path=unknown.resume_path,
                error_paths=unknown.error_paths,
                wake_action=self.wake_action(None),
                offline_check_locked=offline,
                irqs_follow_cpu_down=irqs,
            )
        if start is None:
            parker = chains[0].functions[-1]
            where = _function_ref(parker, f"{parker.name}(): starts no host suspend")
            none = "no host suspend in this tree"
            return SuspendFacts(
                hwdom_suspend=hwdom,
                hwdom_shutdown_halts=halts,
                trigger=Fact(Trigger.NONE, where, "nothing on SYSTEM_SUSPEND's path starts one"),
                mechanism=Fact(Mechanism.NONE, where, none),
                suspend_cpu=Fact(None, None, none),
                suspend_steps=Fact((), None, none),
                resume_path=Fact((), None, none),
                error_paths=Fact((), None, none),
                wake_action=self.wake_action(None),
                offline_check_locked=offline,
                irqs_follow_cpu_down=irqs,
            )
        trigger = self.trigger(start)
        call_ref = _call_ref(start.call)
        if start.mechanism is Mechanism.NONE:
            mechanism: Fact[Mechanism] = Fact.unknown(
                f"{start.call.callee}() runs {start.target}() on other pCPUs: not in the "
                "model's vocabulary"
            )
        else:
            mechanism = Fact(start.mechanism, call_ref, f"runs {start.target}()")
        cpu: Fact[int | None]
        if start.cpu is None:
            cpu = Fact(None, call_ref, "on the pCPU the calling vCPU runs on")
        else:
            literal = _INT.match(start.cpu)
            if literal is not None:
                cpu = Fact(int(literal.group(1)), call_ref, f"on pCPU {literal.group(1)}")
            else:
                cpu = Fact.unknown(f"on pCPU {start.cpu.strip()}: not a constant")
        host = self.defined(start.target)
        if host is None:
            missing = f"{start.target}() is not defined in the tree"
            steps: Fact[tuple[Op, ...]] = Fact.unknown(missing)
            resume: Fact[tuple[Op, ...]] = Fact.unknown(missing)
            errors: Fact[tuple[tuple[Op, tuple[Op, ...]], ...]] = Fact.unknown(missing)
            locations: tuple[tuple[Op, FactRef], ...] = ()
        else:
            steps, resume, errors, locations = self.sequence(host)
        return SuspendFacts(
            hwdom_suspend=hwdom,
            hwdom_shutdown_halts=halts,
            trigger=trigger,
            mechanism=mechanism,
            suspend_cpu=cpu,
            suspend_steps=steps,
            resume_path=resume,
            error_paths=errors,
            wake_action=self.wake_action(start.target),
            offline_check_locked=offline,
            irqs_follow_cpu_down=irqs,
            op_locations=locations,
        )


# Extraction results by tree (identity), a few kept: the rules of one run ask for the
# same trees, and a series' trees are asked for in order.
_MEMO: OrderedDict[int, tuple[TreeFacts, SuspendFacts]] = OrderedDict()
_MEMO_SIZE = 64


def extract_suspend_facts(facts: TreeFacts) -> SuspendFacts:
    """The suspend model's facts of the tree ``facts`` describes (memoised by identity)."""
    key = id(facts)
    found = _MEMO.get(key)
    if found is not None and found[0] is facts:
        _MEMO.move_to_end(key)
        return found[1]
    result = _Extractor(facts).extract()
    _MEMO[key] = (facts, result)
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return result


def host_suspend_absent(facts: SuspendFacts) -> str | None:
    """Why no host suspend can start in the tree of ``facts`` (None: one can, or unknown)."""
    hwdom = facts.hwdom_suspend
    trigger = facts.trigger
    mechanism = facts.mechanism
    none = trigger.value is Trigger.NONE or mechanism.value is Mechanism.NONE
    if hwdom.value is HwdomSuspend.REFUSED and (none or trigger.value is Trigger.HARDWARE_DOMAIN):
        where = f" ({hwdom.source.location})" if hwdom.source is not None else ""
        return f"the hardware domain's SYSTEM_SUSPEND is refused{where}"
    if none:
        source = trigger.source or mechanism.source
        where = f" ({source.location})" if source is not None else ""
        return f"nothing starts a host suspend{where}"
    return None


def fact_data(fact: Fact[Any]) -> dict[str, object]:
    """A fact as JSON-ready data: value (enum values as strings, tuples as lists), source, note."""
    source = None
    if fact.source is not None:
        source = {"path": fact.source.path, "line": fact.source.line, "text": fact.source.text}
    return {
        "known": fact.known,
        "value": _plain(fact.value) if fact.known else None,
        "source": source,
        "note": fact.note,
    }


def _plain(value: object) -> object:
    if isinstance(value, Op | Trigger | Mechanism | HwdomSuspend | WakeAction):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def facts_data(facts: SuspendFacts) -> dict[str, object]:
    """Every fact of ``facts`` by name (see :func:`fact_data`), in declaration order."""
    return {name: fact_data(facts.fact(name)) for name in SuspendFacts.names()}


def describe_value(fact: Fact[Any]) -> str:
    """A fact's value in a few words (for text output)."""
    if not fact.known:
        return "unknown"
    value = fact.value
    if value is None:
        return "-"
    if isinstance(value, tuple):
        if not value:
            return "(none)"
        if all(isinstance(v, tuple) for v in value):
            return "; ".join(
                f"{op}: {', '.join(str(o) for o in path) or '(nothing)'}" for op, path in value
            )
        return ", ".join(str(v) for v in value)
    return str(_plain(value))
