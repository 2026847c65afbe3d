"""The Arm host suspend/resume path as a model (see docs SUSPEND-MODEL).

Actors: guests with PV frontends; fixed domains (Dom0, the hardware domain,
holding the toolstack unless the control domain is split off; an optional
control domain, driver domain and second control domain); Xen's suspend
sequencer on pCPU 0; the environment (device interrupts).

State (one int, see :mod:`xenreview.model.ir`):

* per domain: ``parked`` (in SHUTDOWN_suspend, with its PSCI resume
  context), ``wake`` (a wake-up interrupt arrived; the resume tasklet is
  queued), for guests ``req`` (a frontend request outstanding), and with
  sibling vCPUs ``sib`` (vCPU1 online) and ``susp`` (between the
  "other vCPUs offline" check and the parking, when the check is not under
  the domain lock);
* ``pc``: where the host-suspend sequence is (0: no host suspend; 1:
  ``system_suspend()`` scheduled; then one value per operation of the
  forward steps, firmware sleep, wake-up, resume path and error paths);
* ``done_<op>``: the device/scheduler stack, one bit per forward operation
  that must be undone (system state, frozen domains, scheduler, non-boot
  pCPUs, timer, IOMMU, console, IRQs, GIC), and ``ctx`` (resume context);
* ``seq`` (the pCPU the sequencer runs on, when that is not fixed),
  ``init`` (whose suspend started it), ``again`` (a second request came in
  meanwhile);
* sticky flags recording a broken rule at the moment it breaks:
  ``clobbered`` (a continuation wrote a guest's x0), ``ladder_bad`` (an
  undo out of order, of a step never done, or missing), ``halted``
  (the hardware domain's suspend reached ``hwdom_shutdown()``),
  ``lost`` (a wake-up interrupt went to an offline pCPU).

Abstractions, on purpose: a domain runs or not (no vCPU scheduling beyond
vCPU1 online/offline); a frontend has at most one request outstanding and
quiesces (no request outstanding) before its domain suspends; the PV
connection stays up across suspend (recent Linux frontends); a domain is
runnable when not parked and neither frozen nor the scheduler disabled;
the resume tasklets queued by wake-up interrupts run on pCPU 0 after
``system_suspend()`` is over (they queue behind it); SCHEDOP_shutdown
(SHUTDOWN_suspend) parks a domain as SYSTEM_SUSPEND does and is not a
separate event; watchdogs are not modelled.

Everything the series decides comes from :class:`SuspendFacts`.  A property
whose facts are unknown is reported "unknown: fact ... not found"; the other
properties are checked with the unknown facts replaced by the reference
design's values, which by the ``needs`` declarations cannot change their
verdicts (a test checks these declarations).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from xenreview.errors import ConfigError, InternalError
from xenreview.model.checker import (
    DEADLOCK,
    Bounds,
    CheckResult,
    Kind,
    Progress,
    Property,
    PropertyResult,
    Verdict,
    check,
)
from xenreview.model.facts import (
    FAILABLE,
    FORWARD_OPS,
    PARTIAL_ON_FAILURE,
    UNDO,
    Fact,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendFacts,
    Trigger,
    WakeAction,
)
from xenreview.model.ir import (
    FALSE,
    TRUE,
    Action,
    CompiledModel,
    Const,
    Expr,
    GuestsAll,
    Layout,
    Var,
    all_of,
    any_of,
    compile_predicate,
    evaluate,
    ite,
    neg,
)
from xenreview.model.trace import FactRef, Step

__all__ = [
    "BEHAVIOUR_FACTS",
    "PROPERTIES",
    "BackendHost",
    "PropertySpec",
    "SuspendConfig",
    "SuspendModel",
    "WaitPolicy",
    "XenstoreHost",
    "build_model",
    "check_suspend",
    "needed_facts",
    "reference_facts",
]

MAX_GUESTS = 8
MAX_PCPUS = 4


class BackendHost(StrEnum):
    HARDWARE_DOMAIN = "hardware-domain"
    DRIVER_DOMAIN = "driver-domain"


class XenstoreHost(StrEnum):
    HARDWARE_DOMAIN = "hardware-domain"
    CONTROL_DOMAIN = "control-domain"
    DRIVER_DOMAIN = "driver-domain"


class WaitPolicy(StrEnum):
    """Which domains the hardware domain's OS waits for before it suspends.

    The series' design: "guests suspend first, then Dom0".  ALL_OTHERS: every
    other domain is parked first; GUESTS: guests and driver domains (control
    domains may suspend at the same time); NONE: Dom0 suspends whenever it
    likes (x86 style, where guests never see the host suspend).  Unless NONE,
    a driver domain holding backends likewise suspends only after the guests
    (its frontends).  The order is checked together with the SYSTEM_SUSPEND
    call (the OS suspends its backends only once its frontends are gone):
    the model does not explore a frontend waking up between the OS's last
    look and the call.
    """

    ALL_OTHERS = "all-others"
    GUESTS = "guests"
    NONE = "none"


# Fixed domains: id, display name.
DOM0 = "dom0"
CONTROL = "control"
DRIVER = "driver"
CONTROL2 = "control2"
FIXED_DOMAINS = (DOM0, CONTROL, DRIVER, CONTROL2)
_DISPLAY = {
    DOM0: "Dom0",
    CONTROL: "control domain",
    DRIVER: "driver domain",
    CONTROL2: "control domain 2",
}


@dataclass(frozen=True, slots=True)
class SuspendConfig:
    """One configuration of the model.

    ``guests`` (1-8) guests with PV frontends, all served by the backend
    domain; ``pcpus`` (1-4); ``backend``: where the PV backends live;
    ``xenstore``: where xenstored lives; ``split_control``: a control domain
    separate from the hardware domain (else Dom0 is both);
    ``second_control``: one more control domain; ``waking_guests``: the
    first k guests own a device that can wake the host (None: all);
    ``waking_domains``: fixed domains (``dom0``, ``control``, ``driver``,
    ``control2``) that own one; ``wake_irq_cpu``: the pCPU the wake-up
    interrupts are routed to; ``fail_steps``: suspend operations that may
    fail (each is tried both ways); ``sibling_vcpus``: every domain has a
    vCPU1 that can go on and offline; ``hwdom_waits``: see
    :class:`WaitPolicy`; ``careful_toolstack``: ``xl resume`` of a guest
    waits until its backend and xenstored domains run (the toolstack is not
    under review; False lets it resume domains in any order);
    ``scenario``: a name, for reports.
    """

    guests: int = 2
    pcpus: int = 2
    backend: BackendHost = BackendHost.HARDWARE_DOMAIN
    xenstore: XenstoreHost = XenstoreHost.HARDWARE_DOMAIN
    split_control: bool = False
    second_control: bool = False
    waking_guests: int | None = None
    waking_domains: tuple[str, ...] = ()
    wake_irq_cpu: int = 0
    fail_steps: tuple[Op, ...] = ()
    sibling_vcpus: bool = False
    hwdom_waits: WaitPolicy = WaitPolicy.ALL_OTHERS
    careful_toolstack: bool = True
    scenario: str = "custom"

    def validate(self) -> None:
        """Raise ConfigError naming the first impossible setting."""

        def bad(where: str, message: str) -> ConfigError:
            return ConfigError(message, source="model configuration", where=where)

        if not 1 <= self.guests <= MAX_GUESTS:
            raise bad("guests", f"guests must be 1 to {MAX_GUESTS}, not {self.guests}")
        if not 1 <= self.pcpus <= MAX_PCPUS:
            raise bad("pcpus", f"pcpus must be 1 to {MAX_PCPUS}, not {self.pcpus}")
        if not 0 <= self.wake_irq_cpu < self.pcpus:
            raise bad("wake_irq_cpu", f"no pCPU {self.wake_irq_cpu} with {self.pcpus} pCPUs")
        if self.waking_guests is not None and not 0 <= self.waking_guests <= self.guests:
            raise bad("waking_guests", f"waking_guests must be 0 to {self.guests}")
        domains = self.fixed_domains()
        for name in self.waking_domains:
            if name not in domains:
                raise bad("waking_domains", f"no domain {name!r} in this configuration")
        if self.xenstore is XenstoreHost.CONTROL_DOMAIN and not self.split_control:
            raise bad("xenstore", "xenstored in a control domain needs split_control")
        if (
            self.xenstore is XenstoreHost.DRIVER_DOMAIN
            and self.backend is not BackendHost.DRIVER_DOMAIN
        ):
            raise bad("xenstore", "xenstored in a driver domain needs backend=driver-domain")
        for op in self.fail_steps:
            if op not in FAILABLE:
                names = ", ".join(o.value for o in FAILABLE)
                raise bad("fail_steps", f"{op} cannot fail; failable: {names}")
        if self.guest_wakers() == 0 and not self.waking_domains:
            raise bad("waking_domains", "no device can wake the host: it would never resume")

    def fixed_domains(self) -> tuple[str, ...]:
        out = [DOM0]
        if self.split_control:
            out.append(CONTROL)
        if self.backend is BackendHost.DRIVER_DOMAIN:
            out.append(DRIVER)
        if self.second_control:
            out.append(CONTROL2)
        return tuple(out)

    def control_domains(self) -> tuple[str, ...]:
        out = [CONTROL] if self.split_control else [DOM0]
        if self.second_control:
            out.append(CONTROL2)
        return tuple(out)

    def backend_domain(self) -> str:
        return DRIVER if self.backend is BackendHost.DRIVER_DOMAIN else DOM0

    def xenstore_domain(self) -> str:
        return {
            XenstoreHost.HARDWARE_DOMAIN: DOM0,
            XenstoreHost.CONTROL_DOMAIN: CONTROL,
            XenstoreHost.DRIVER_DOMAIN: DRIVER,
        }[self.xenstore]

    def guest_wakers(self) -> int:
        return self.guests if self.waking_guests is None else self.waking_guests

    def describe(self) -> str:
        parts = [
            f"{self.guests} guest(s)",
            f"{self.pcpus} pCPU(s)",
            f"backends in {_DISPLAY[self.backend_domain()]}",
            f"xenstored in {_DISPLAY[self.xenstore_domain()]}",
            "control domain split" if self.split_control else "Dom0 is the control domain",
        ]
        if self.second_control:
            parts.append("two control domains")
        if self.fail_steps:
            parts.append("failures: " + ", ".join(op.value for op in self.fail_steps))
        if self.sibling_vcpus:
            parts.append("sibling vCPUs")
        return ", ".join(parts)


# ----------------------------------------------------------------------------
# The reference design: used for facts that are unknown but not needed


REFERENCE_STEPS: tuple[Op, ...] = (
    Op.SET_SUSPEND_STATE,
    Op.FREEZE_DOMAINS,
    Op.SCHEDULER_DISABLE,
    Op.DISABLE_NONBOOT_CPUS,
    Op.TIME_SUSPEND,
    Op.IOMMU_SUSPEND,
    Op.CONSOLE_SUSPEND,
    Op.IRQS_OFF,
    Op.GIC_SUSPEND,
    Op.PREPARE_RESUME_CTX,
    Op.FIRMWARE,
)


def _ladder(after: Sequence[Op], domain_ops: Sequence[Op]) -> tuple[Op, ...]:
    """The undo operations of the forward ops ``after``, in reverse; domain ops before the thaw."""
    out: list[Op] = []
    for op in reversed(after):
        undo = UNDO.get(op)
        if undo is None:
            continue
        if undo is Op.ENABLE_NONBOOT_CPUS:
            out.append(Op.RCU_BARRIER)
        if undo is Op.THAW_DOMAINS:
            out.extend(domain_ops)
        out.append(undo)
    return tuple(out)


def reference_facts(
    *,
    domain_ops: Sequence[Op] = (Op.RESUME_HWDOM,),
    wake: WakeAction = WakeAction.RESUME_HWDOM_FIRST,
    hwdom: HwdomSuspend = HwdomSuspend.PARK,
    mechanism: Mechanism = Mechanism.TASKLET,
    note: str = "reference design",
) -> SuspendFacts:
    """Facts of a correct design (exact error ladders), for placeholders and comparisons.

    Not the facts of any patch: those come from the code.  With the default
    arguments: SYSTEM_SUSPEND parks the hardware domain, a tasklet on pCPU 0
    runs the recent step order, the hardware domain is resumed before the
    domains are thawed, and a woken guest resumes the hardware domain first.
    """
    steps = REFERENCE_STEPS
    errors = tuple(
        (op, _ladder(steps[: k + 1] if op in PARTIAL_ON_FAILURE else steps[:k], domain_ops))
        for k, op in enumerate(steps)
        if op in FAILABLE and op is not Op.FIRMWARE
    )
    return SuspendFacts(
        hwdom_suspend=Fact(hwdom, None, note),
        hwdom_shutdown_halts=Fact(False, None, note),
        trigger=Fact(Trigger.HARDWARE_DOMAIN, None, note),
        mechanism=Fact(mechanism, None, note),
        suspend_cpu=Fact(0, None, note),
        suspend_steps=Fact(steps, None, note),
        resume_path=Fact(_ladder(steps, domain_ops), None, note),
        error_paths=Fact(errors, None, note),
        wake_action=Fact(wake, None, note),
        offline_check_locked=Fact(True, None, note),
        irqs_follow_cpu_down=Fact(True, None, note),
    )


_PLACEHOLDER = reference_facts(note="placeholder for an unknown fact no checked property needs")


# ----------------------------------------------------------------------------
# Properties and the facts they need


@dataclass(frozen=True, slots=True)
class PropertySpec:
    name: str
    kind: Kind
    description: str
    never: str = ""


PROPERTIES: tuple[PropertySpec, ...] = (
    PropertySpec(
        "backend-before-frontend",
        Kind.ALWAYS,
        "whenever a domain with a PV frontend can run, every domain hosting one of its "
        "backends, and xenstored's domain, can run too",
    ),
    PropertySpec(
        "requests-served",
        Kind.NO_STUCK,
        "every frontend request can still be served, whatever happened before",
        "the block request is never served",
    ),
    PropertySpec(
        "firmware-preconditions",
        Kind.ALWAYS,
        "the firmware's SYSTEM_SUSPEND is called only on pCPU 0, alone online, with IRQs off, "
        "all domains frozen (and parked where the design checks it), devices saved and the "
        "resume context prepared",
    ),
    PropertySpec(
        "resume-undoes-completed-steps",
        Kind.ALWAYS,
        "resume, on success and on every error path, undoes exactly the completed steps, in "
        "reverse order, nothing twice",
    ),
    PropertySpec(
        "hwdom-suspend-never-halts",
        Kind.ALWAYS,
        "the hardware domain's suspend never reaches the reboot/halt path (hwdom_shutdown())",
    ),
    PropertySpec(
        "registers-written-by-own-handler",
        Kind.ALWAYS,
        "a domain's registers are written only by its own PSCI handler (no continuation "
        "writes a result into the x0 that holds its resume context id)",
    ),
    PropertySpec(
        "control-domain-can-run",
        Kind.ALWAYS,
        "outside a host suspend, some control domain can run (else nobody can resume the others)",
    ),
    PropertySpec(
        "wake-targets-online-pcpu",
        Kind.ALWAYS,
        "no wake-up interrupt is routed to an offline pCPU while the host is suspended",
    ),
    PropertySpec(
        "wake-resumes-host",
        Kind.ALWAYS,
        "every wake-up interrupt raised while the host is suspended brings it back",
    ),
    PropertySpec(
        "host-suspend-ends",
        Kind.NO_STUCK,
        "every host-suspend attempt ends (suspended and resumed, or aborted)",
        "the host suspend never ends",
    ),
    PropertySpec(
        "domains-run-again",
        Kind.NO_STUCK,
        "every domain that ran before the host suspend can run again",
        "some domain never runs again",
    ),
    PropertySpec(
        "suspend-vcpus-offline",
        Kind.ALWAYS,
        "a domain is parked only with its other vCPUs offline",
    ),
    PropertySpec(
        "suspend-resume-possible",
        Kind.SOMETIMES,
        "the host can suspend and be woken up at all (catches a vacuous model)",
    ),
    PropertySpec(
        "io-after-resume",
        Kind.SOMETIMES,
        "after the host resumed, a guest can have a request served",
    ),
)

PROPERTY_NAMES = tuple(spec.name for spec in PROPERTIES)

BEHAVIOUR_FACTS = (
    "hwdom_suspend",
    "hwdom_shutdown_halts",
    "trigger",
    "mechanism",
    "suspend_cpu",
    "suspend_steps",
    "resume_path",
    "error_paths",
    "wake_action",
)


def _route_matters(config: SuspendConfig) -> bool:
    return config.pcpus > 1 and config.wake_irq_cpu != 0


def behaviour_facts(config: SuspendConfig) -> tuple[str, ...]:
    """The facts the transition relation reads in this configuration."""
    out = list(BEHAVIOUR_FACTS)
    if config.sibling_vcpus:
        out.append("offline_check_locked")
    if _route_matters(config):
        out.append("irqs_follow_cpu_down")
    return tuple(out)


def needed_facts(name: str, config: SuspendConfig) -> tuple[str, ...]:
    """The facts a property's verdict depends on, in this configuration.

    Most properties observe the whole behaviour and need every behaviour
    fact.  The exceptions are narrow on purpose, so that a partly extracted
    tree still yields verdicts: the halting check needs only how the
    hardware domain suspends; the vCPU-offline check only the locking fact;
    the register check how the host suspend is started; the firmware check
    also the pCPU, the step order and the error paths; the wake-routing
    checks only matter when the wake interrupts are routed away from pCPU 0.
    tests/unit/model/test_needs.py checks these declarations by varying each
    fact a property does not need.
    """
    route = ("suspend_steps", "irqs_follow_cpu_down") if _route_matters(config) else ()
    start = ("hwdom_suspend", "hwdom_shutdown_halts", "trigger", "mechanism")
    if name == "hwdom-suspend-never-halts":
        return ("hwdom_suspend", "hwdom_shutdown_halts")
    if name == "suspend-vcpus-offline":
        return ("offline_check_locked",) if config.sibling_vcpus else ()
    if name == "registers-written-by-own-handler":
        return start + route
    if name == "firmware-preconditions":
        # error_paths: a failure without an error path is ignored, and the
        # firmware may then be called with that step not done.
        return (*start, "suspend_cpu", "suspend_steps", "error_paths")
    if name in ("wake-targets-online-pcpu", "wake-resumes-host"):
        return (*start, *route) if route else ()
    if name in PROPERTY_NAMES or name == DEADLOCK:
        return behaviour_facts(config)
    raise KeyError(name)


# ----------------------------------------------------------------------------
# The model


@dataclass(frozen=True, slots=True)
class _Instr:
    op: Op | None  # None: a pseudo step (start, firmware sleep, woken)
    label: str  # "start" | "forward" | "sleep" | "woken" | "resume" | "error:<op>"
    next: int  # pc after success (-1: the end)
    fail: int = -2  # pc after failure (-1: the end; -2: cannot fail)


_OP_TEXT: dict[Op, str] = {
    Op.SET_SUSPEND_STATE: "system_state = SYS_STATE_suspend",
    Op.FREEZE_DOMAINS: "freeze_domains()",
    Op.SCHEDULER_DISABLE: "scheduler_disable()",
    Op.CHECK_PARKED: "checks every other domain is parked",
    Op.DISABLE_NONBOOT_CPUS: "disable_nonboot_cpus()",
    Op.TIME_SUSPEND: "time_suspend()",
    Op.IOMMU_SUSPEND: "iommu_suspend()",
    Op.CONSOLE_SUSPEND: "console_suspend()",
    Op.IRQS_OFF: "local_irq_save()",
    Op.GIC_SUSPEND: "gic_suspend()",
    Op.PREPARE_RESUME_CTX: "prepare_resume_ctx()",
    Op.FIRMWARE: "call_psci_system_suspend(): the host sleeps",
    Op.GIC_RESUME: "gic_resume()",
    Op.IRQS_ON: "local_irq_restore()",
    Op.CONSOLE_RESUME: "console_resume()",
    Op.IOMMU_RESUME: "iommu_resume()",
    Op.TIME_RESUME: "time_resume()",
    Op.RCU_BARRIER: "rcu_barrier()",
    Op.ENABLE_NONBOOT_CPUS: "enable_nonboot_cpus()",
    Op.SCHEDULER_ENABLE: "scheduler_enable()",
    Op.THAW_DOMAINS: "thaw_domains()",
    Op.SET_ACTIVE_STATE: "system_state = SYS_STATE_active",
    Op.RESUME_HWDOM: "resume_suspended_domain(hardware_domain)",
    Op.RESUME_INITIATOR: "resumes the domain that asked for the host suspend",
    Op.RESUME_BACKENDS: "resumes the backend and xenstored domains",
}

_DONE_TEXT: dict[Op, tuple[str, str]] = {
    Op.SET_SUSPEND_STATE: ("system_state is SYS_STATE_suspend", "system_state is SYS_STATE_active"),
    Op.FREEZE_DOMAINS: ("every domain frozen", "domains thawed"),
    Op.SCHEDULER_DISABLE: ("scheduler disabled", "scheduler enabled"),
    Op.DISABLE_NONBOOT_CPUS: ("non-boot pCPUs offline", "non-boot pCPUs online"),
    Op.TIME_SUSPEND: ("Xen's timer stopped", "Xen's timer running"),
    Op.IOMMU_SUSPEND: ("IOMMU state saved", "IOMMU resumed"),
    Op.CONSOLE_SUSPEND: ("console suspended", "console resumed"),
    Op.IRQS_OFF: ("IRQs off on pCPU 0", "IRQs on on pCPU 0"),
    Op.GIC_SUSPEND: ("GIC state saved", "GIC restored"),
}


def _field_op(op: Op) -> str:
    return "done_" + op.value.replace("-", "_")


class SuspendModel:
    """The configured suspend model: its IR, its engine and its properties.

    ``facts`` is the effective record (unknown facts replaced by the
    reference design's); ``unknown`` names the facts that were replaced.
    """

    def __init__(self, config: SuspendConfig, facts: SuspendFacts) -> None:
        config.validate()
        _check_facts_shape(facts)
        self.config = config
        self.given_facts = facts
        self.unknown = facts.missing()
        self.facts = _fill_unknown(facts)
        f = self.facts
        self.hwdom_suspend: HwdomSuspend = f.hwdom_suspend.get()
        self.halts: bool = f.hwdom_shutdown_halts.get()
        self.trigger: Trigger = f.trigger.get()
        self.mechanism: Mechanism = f.mechanism.get()
        self.suspend_cpu: int | None = f.suspend_cpu.get()
        self.steps: tuple[Op, ...] = f.suspend_steps.get()
        self.resume_path: tuple[Op, ...] = f.resume_path.get()
        self.error_paths: dict[Op, tuple[Op, ...]] = dict(f.error_paths.get())
        self.wake_action: WakeAction = f.wake_action.get()
        self.locked: bool = f.offline_check_locked.get()
        self.irqs_follow: bool = f.irqs_follow_cpu_down.get()

        self.fixed = config.fixed_domains()
        self.controls = config.control_domains()
        self.guest_names = tuple(f"guest{g + 1}" for g in range(config.guests))
        self.two_step = config.sibling_vcpus and not self.locked
        self.initiators = self._initiators()
        self._compile_program()
        self._build_layout()
        self.actions: list[Action] = []
        self._build_actions()
        self.exprs = self._property_exprs()
        waking = config.guest_wakers()
        classes = [(0, waking), (waking, config.guests)]
        self.engine = CompiledModel(
            self.layout,
            self.actions,
            classes=[c for c in classes if c[1] - c[0] > 1],
            final=self.v("halted").eq(1),
            describe_hook=self._describe,
            state_hook=self.describe_state,
        )

    # -- helpers -------------------------------------------------------------

    def v(self, name: str) -> Expr:
        """A field, or 0 when the configuration does not have it."""
        return Var(name) if self.layout.has(name) else Const(0)

    def dom_field(self, dom: str, local: str) -> Expr:
        return self.v(f"{dom}_{local}")

    def display(self, dom: str) -> str:
        return _DISPLAY.get(dom, dom)

    def _initiators(self) -> tuple[str, ...]:
        if self.mechanism is Mechanism.NONE or self.trigger is Trigger.NONE:
            return ()
        if self.trigger is Trigger.HARDWARE_DOMAIN:
            if self.hwdom_suspend is HwdomSuspend.REFUSED:
                return ()
            return (DOM0,)
        return self.controls

    def _via_psci(self, dom: str) -> bool:
        return not (dom == DOM0 and self.hwdom_suspend is HwdomSuspend.PLATFORM)

    # -- the program of the sequencer ------------------------------------------

    def _compile_program(self) -> None:
        prog: list[_Instr] = [_Instr(None, "idle", 0)]
        # Placeholders patched once every path has its pcs.
        steps = self.steps
        fw_index = steps.index(Op.FIRMWARE) if Op.FIRMWARE in steps else -1
        forward = steps if fw_index < 0 else steps[: fw_index + 1]
        start_pc = 1
        first_forward = 2
        n_forward = len(forward)
        sleep_pc = first_forward + n_forward if fw_index >= 0 else -1
        woken_pc = sleep_pc + 1 if fw_index >= 0 else -1
        resume_first = (woken_pc + 1) if fw_index >= 0 else first_forward + n_forward
        resume_end = resume_first + len(self.resume_path)

        def path_target(first: int, length: int) -> int:
            return first if length else -1

        resume_target = path_target(resume_first, len(self.resume_path))
        error_first: dict[Op, int] = {}
        pc = resume_end
        for op in forward:
            if op in self.error_paths and op not in error_first and self._can_fail(op):
                error_first[op] = pc
                pc += len(self.error_paths[op])
        prog.append(_Instr(None, "start", first_forward if n_forward else resume_target))
        for k, op in enumerate(forward):
            nxt = first_forward + k + 1 if k + 1 < n_forward else resume_target
            if op is Op.FIRMWARE:
                nxt = sleep_pc
            fail = -2
            if self._can_fail(op):
                if op in error_first:
                    fail = path_target(error_first[op], len(self.error_paths[op]))
                elif op is Op.FIRMWARE:
                    fail = resume_target
                else:
                    fail = first_forward + k + 1 if k + 1 < n_forward else resume_target
            prog.append(_Instr(op, "forward", nxt, fail))
        if fw_index >= 0:
            prog.append(_Instr(None, "sleep", woken_pc))
            prog.append(_Instr(None, "woken", resume_target))
        for k, op in enumerate(self.resume_path):
            nxt = resume_first + k + 1 if k + 1 < len(self.resume_path) else -1
            prog.append(_Instr(op, "resume", nxt))
        for op, first in error_first.items():
            path = self.error_paths[op]
            for k, step in enumerate(path):
                nxt = first + k + 1 if k + 1 < len(path) else -1
                prog.append(_Instr(step, f"error:{op.value}", nxt))
        assert len(prog) == pc, (len(prog), pc)
        self.program = tuple(prog)
        self.start_pc = start_pc
        self.sleep_pc = sleep_pc
        self.woken_pc = woken_pc
        self.firmware_pcs = tuple(k for k, ins in enumerate(prog) if ins.op is Op.FIRMWARE)

    def _can_fail(self, op: Op) -> bool:
        return op is Op.CHECK_PARKED or op in self.config.fail_steps

    # -- the layout ------------------------------------------------------------

    def _build_layout(self) -> None:
        config = self.config
        locals_: list[tuple[str, int]] = [("parked", 1), ("wake", 1), ("req", 1)]
        if config.sibling_vcpus:
            locals_.append(("sib", 1))
        if self.two_step:
            locals_.append(("susp", 1))
        layout = Layout(config.guests, tuple(locals_), self.guest_names)
        for dom in self.fixed:
            layout.add(f"{dom}_parked", 1, local="parked", domain=dom)
            layout.add(f"{dom}_wake", 1, local="wake", domain=dom)
            if config.sibling_vcpus:
                layout.add(f"{dom}_sib", 1, local="sib", domain=dom)
            if self.two_step:
                layout.add(f"{dom}_susp", 1, local="susp", domain=dom)
        layout.add("pc", max(len(self.program) - 1, 1).bit_length())
        self.stacked = tuple(op for op in self.steps if op in UNDO)
        for op in self.stacked:
            layout.add(_field_op(op), 1)
        if Op.PREPARE_RESUME_CTX in self.steps:
            layout.add("ctx", 1)
        self.seq_choices: tuple[int, ...]
        if config.pcpus > 1 and (self.mechanism is Mechanism.DIRECT or self.suspend_cpu is None):
            self.seq_choices = tuple(range(config.pcpus))
            layout.add("seq", 2)
        else:
            fixed = 0 if self.suspend_cpu is None else self.suspend_cpu
            self.seq_choices = (fixed,)
        if len(self.initiators) > 1:
            layout.add("init", 2)
            layout.add("again", 2)
        else:
            layout.add("again", 1)
        for flag in ("clobbered", "ladder_bad", "halted", "lost"):
            layout.add(flag, 1)
        self.layout = layout

    # -- expressions -----------------------------------------------------------

    @property
    def blocked(self) -> Expr:
        """Xen lets no domain run: frozen, or the scheduler disabled."""
        return any_of(self.v(_field_op(Op.FREEZE_DOMAINS)), self.v(_field_op(Op.SCHEDULER_DISABLE)))

    def runnable(self, dom: str) -> Expr:
        return all_of(self.dom_field(dom, "parked").eq(0), neg(self.blocked))

    def seq_expr(self) -> Expr:
        return self.v("seq") if len(self.seq_choices) > 1 else Const(self.seq_choices[0])

    def init_is(self, dom: str) -> Expr:
        if len(self.initiators) > 1:
            return self.v("init").eq(self.initiators.index(dom))
        return TRUE if self.initiators and self.initiators[0] == dom else FALSE

    def all_parked_except(self, exclude: Callable[[str], Expr]) -> Expr:
        """Every guest parked, and every fixed domain parked unless ``exclude(dom)``."""
        return all_of(
            GuestsAll("parked", 1),
            *(any_of(self.dom_field(d, "parked").eq(1), exclude(d)) for d in self.fixed),
        )

    def route_offline(self) -> Expr:
        """The wake-up interrupts' pCPU is offline (and they were not moved)."""
        if not _route_matters(self.config) or self.irqs_follow:
            return FALSE
        return self.v(_field_op(Op.DISABLE_NONBOOT_CPUS)).eq(1)

    # -- actions ---------------------------------------------------------------

    def _add(
        self,
        actor: str,
        name: str,
        guard: Expr,
        effects: dict[str, Expr],
        *,
        guest: int = -1,
        tag: str = "",
    ) -> None:
        guard = all_of(guard, self.v("halted").eq(0))
        if isinstance(guard, Const) and not guard.value:
            return
        items = tuple((k, e) for k, e in effects.items() if self.layout.has(k))
        self.actions.append(Action(actor, name, guard, items, guest, tag))

    def _build_actions(self) -> None:
        self._xen_actions()
        for dom in self.fixed:
            self._domain_actions(dom, -1)
        for g, name in enumerate(self.guest_names):
            self._domain_actions(name, g)

    def _pc_target(self, target: int, effects: dict[str, Expr]) -> dict[str, Expr]:
        """Effects moving to ``target``; at the end (-1), also the end of system_suspend()."""
        if target >= 0:
            effects["pc"] = Const(target)
            return effects
        post = {name: effects.get(name, self.v(name)) for name in self.layout.fields}
        leftover = any_of(*(post[_field_op(op)] for op in self.stacked))
        effects["ladder_bad"] = any_of(post["ladder_bad"], leftover)
        if self.mechanism is Mechanism.CONTINUATION:
            psci = any_of(*(self.init_is(d) for d in self.initiators if self._via_psci(d)))
            effects["clobbered"] = any_of(post["clobbered"], psci)
        effects["ctx"] = Const(0)
        again = self.v("again")
        pending = again.ne(0)
        effects["pc"] = ite(pending, self.start_pc, 0)
        effects["again"] = Const(0)
        if self.layout.has("init"):
            value: Expr = Const(0)
            for k in range(len(self.initiators)):
                value = ite(again.eq(k + 1), k, value)
            effects["init"] = value
        if self.layout.has("seq"):
            effects["seq"] = ite(pending, self.v("seq"), 0)
        return effects

    def _undo_effects(self, undo: Op, effects: dict[str, Expr]) -> None:
        forward = next((op for op, u in UNDO.items() if u is undo), None)
        if forward is None or forward not in self.stacked:
            effects["ladder_bad"] = Const(1)
            return
        name = _field_op(forward)
        later = self.stacked[self.stacked.index(forward) + 1 :]
        top = all_of(self.v(name).eq(1), *(self.v(_field_op(op)).eq(0) for op in later))
        effects[name] = Const(0)
        effects["ladder_bad"] = any_of(self.v("ladder_bad"), neg(top))

    def _unpark(self, dom: str, effects: dict[str, Expr]) -> None:
        effects[f"{dom}_parked"] = Const(0)
        effects[f"{dom}_wake"] = Const(0)

    def _op_effects(self, op: Op) -> dict[str, Expr]:
        effects: dict[str, Expr] = {}
        if op in UNDO and op in self.stacked:
            effects[_field_op(op)] = Const(1)
        elif op is Op.PREPARE_RESUME_CTX:
            effects["ctx"] = Const(1)
        elif op in UNDO.values():
            self._undo_effects(op, effects)
        elif op is Op.RESUME_HWDOM:
            self._unpark(DOM0, effects)
        elif op is Op.RESUME_BACKENDS:
            for dom in dict.fromkeys((self.config.backend_domain(), self.config.xenstore_domain())):
                self._unpark(dom, effects)
        elif op is Op.RESUME_INITIATOR:
            for dom in self.initiators:
                parked = self.dom_field(dom, "parked")
                wake = self.dom_field(dom, "wake")
                effects[f"{dom}_parked"] = ite(self.init_is(dom), 0, parked)
                effects[f"{dom}_wake"] = ite(self.init_is(dom), 0, wake)
        return effects

    def _xen_actions(self) -> None:
        pc = self.v("pc")
        for k, ins in enumerate(self.program):
            if ins.label in {"idle", "sleep"}:
                continue
            at = pc.eq(k)
            if ins.label == "start":
                self._add(
                    "Xen",
                    "system_suspend() starts",
                    at,
                    self._pc_target(ins.next, {}),
                    tag="fact:mechanism",
                )
                continue
            if ins.label == "woken":
                self._add(
                    "Xen",
                    "hyp_resume(): the firmware re-enters Xen",
                    at,
                    self._pc_target(ins.next, {}),
                    tag="fact:resume_path",
                )
                continue
            assert ins.op is not None
            op = ins.op
            path_fact = (
                "suspend_steps"
                if ins.label == "forward"
                else "resume_path"
                if ins.label == "resume"
                else "error_paths"
            )
            tag = f"op:{op.value}:{path_fact}"
            if op is Op.FIRMWARE:
                self._add("Xen", _OP_TEXT[op], at, {"pc": Const(ins.next)}, tag=tag)
            elif op is Op.CHECK_PARKED:
                ready = self.all_parked_except(self.init_is)
                self._add(
                    "Xen",
                    "every other domain is parked: go on",
                    all_of(at, ready),
                    self._pc_target(ins.next, {}),
                    tag=tag,
                )
                if ins.fail != -2:
                    self._add(
                        "Xen",
                        "a domain is not parked: abort",
                        all_of(at, neg(ready)),
                        self._pc_target(ins.fail, {}),
                        tag=tag,
                    )
                continue
            else:
                self._add(
                    "Xen",
                    _OP_TEXT[op],
                    at,
                    self._pc_target(ins.next, self._op_effects(op)),
                    tag=tag,
                )
            if ins.fail != -2:
                effects: dict[str, Expr] = {}
                if op in PARTIAL_ON_FAILURE and op in self.stacked:
                    effects[_field_op(op)] = Const(1)
                name = op.value.replace("-", "_")
                text = (
                    "call_psci_system_suspend() fails" if op is Op.FIRMWARE else f"{name}() fails"
                )
                self._add("Xen", text, at, self._pc_target(ins.fail, effects), tag=tag)

    def _trigger_effects(self, dom: str, effects: dict[str, Expr], cpu: int) -> Expr | None:
        """Add the host-suspend start to ``effects``; returns the condition (None: never)."""
        if dom not in self.initiators:
            return None
        cond: Expr = TRUE
        if self.trigger is Trigger.LAST_CONTROL_DOMAIN:
            cond = all_of(*(self.dom_field(c, "parked").eq(1) for c in self.controls if c != dom))
        pc = self.v("pc")
        idle = pc.eq(0)
        now = all_of(cond, idle)
        later = all_of(cond, neg(idle))
        effects["pc"] = ite(now, self.start_pc, pc)
        if self.layout.has("init"):
            effects["init"] = ite(now, self.initiators.index(dom), self.v("init"))
        if self.layout.has("seq"):
            effects["seq"] = ite(now, cpu, self.v("seq"))
        mark = self.initiators.index(dom) + 1 if self.layout.has("init") else 1
        effects["again"] = ite(later, mark, self.v("again"))
        return cond

    def _suspend_name(self, dom: str) -> str:
        if dom not in self.initiators:
            return "SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend"
        how = {
            Mechanism.CONTINUATION: "continue_hypercall_on_cpu()",
            Mechanism.TASKLET: "a tasklet",
            Mechanism.DIRECT: "a direct call",
            Mechanism.NONE: "nothing",
        }[self.mechanism]
        return f"SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend; host suspend via {how}"

    def _domain_actions(self, dom: str, g: int) -> None:
        config = self.config
        actor = self.display(dom)
        parked = self.dom_field(dom, "parked")
        wake = self.dom_field(dom, "wake")
        req = self.dom_field(dom, "req")
        sib = self.dom_field(dom, "sib")
        susp = self.dom_field(dom, "susp")
        run = self.runnable(dom)
        pc = self.v("pc")
        is_guest = g >= 0

        # SYSTEM_SUSPEND
        # The OS-level order (frontends first), checked with the call itself.
        order: Expr = TRUE
        if dom == DOM0:
            if config.hwdom_waits is WaitPolicy.ALL_OTHERS:
                order = self.all_parked_except(lambda d: const_bool(d == DOM0))
            elif config.hwdom_waits is WaitPolicy.GUESTS:
                order = all_of(
                    GuestsAll("parked", 1),
                    *(self.dom_field(d, "parked").eq(1) for d in self.fixed if d == DRIVER),
                )
        if dom == DRIVER and config.hwdom_waits is not WaitPolicy.NONE:
            # A backend domain's OS, like Dom0's, suspends after its frontends.
            order = GuestsAll("parked", 1)
        base = all_of(run, req.eq(0), sib.eq(0), susp.eq(0), order)
        if self.two_step and not (isinstance(order, Const) and order.value):
            # Between the (unlocked) vCPU check and the parking, a frontend may
            # have woken up: the OS gives up rather than park under it.
            self._add(
                actor,
                "SYSTEM_SUSPEND abandoned: a frontend woke up meanwhile",
                all_of(susp.eq(1), neg(order)),
                {f"{dom}_susp": Const(0)},
                guest=g,
            )
        hw_mode = self.hwdom_suspend if dom == DOM0 else HwdomSuspend.PARK
        if hw_mode is HwdomSuspend.PLATFORM:
            for cpu in self.seq_choices:
                effects: dict[str, Expr] = {}
                cond = self._trigger_effects(dom, effects, cpu)
                if cond is None:
                    continue
                self._add(
                    actor,
                    "asks Xen to suspend the host (platform hypercall)",
                    all_of(base, pc.eq(0), self.v("again").eq(0)),
                    effects,
                    guest=g,
                    tag="fact:hwdom_suspend",
                )
        elif hw_mode is HwdomSuspend.PARK:
            tag = (
                "fact:mechanism"
                if dom in self.initiators
                else ("fact:hwdom_suspend" if dom == DOM0 else "")
            )
            if dom == DOM0 and self.halts:
                final: dict[str, Expr] = {"halted": Const(1)}
                if self.two_step:
                    self._add(
                        actor,
                        "SYSTEM_SUSPEND: other vCPUs offline",
                        base,
                        {f"{dom}_susp": Const(1)},
                        guest=g,
                        tag="fact:offline_check_locked",
                    )
                    self._add(
                        actor,
                        "SYSTEM_SUSPEND: domain_shutdown() calls hwdom_shutdown()",
                        all_of(susp.eq(1), order),
                        {**final, f"{dom}_susp": Const(0)},
                        guest=g,
                        tag="fact:hwdom_shutdown_halts",
                    )
                else:
                    self._add(
                        actor,
                        "SYSTEM_SUSPEND: domain_shutdown() calls hwdom_shutdown()",
                        base,
                        final,
                        guest=g,
                        tag="fact:hwdom_shutdown_halts",
                    )
            else:
                for cpu in self.seq_choices if dom in self.initiators else (0,):
                    effects = {f"{dom}_parked": Const(1)}
                    self._trigger_effects(dom, effects, cpu)
                    name = self._suspend_name(dom)
                    if len(self.seq_choices) > 1 and dom in self.initiators:
                        name += f" (the calling vCPU runs on pCPU {cpu})"
                    if self.two_step:
                        if cpu == (self.seq_choices[0] if dom in self.initiators else 0):
                            self._add(
                                actor,
                                "SYSTEM_SUSPEND: other vCPUs found offline (no lock)",
                                base,
                                {f"{dom}_susp": Const(1)},
                                guest=g,
                                tag="fact:offline_check_locked",
                            )
                        effects[f"{dom}_susp"] = Const(0)
                        self._add(
                            actor,
                            name.replace("SYSTEM_SUSPEND (virtual PSCI)", "SYSTEM_SUSPEND"),
                            all_of(susp.eq(1), order),
                            effects,
                            guest=g,
                            tag=tag,
                        )
                    else:
                        self._add(actor, name, base, effects, guest=g, tag=tag)

        # Frontend I/O and the backend serving it.
        if is_guest:
            self._add(
                actor,
                "sends a block request",
                all_of(run, req.eq(0), susp.eq(0)),
                {f"{dom}_req": Const(1)},
                guest=g,
            )
            backend = config.backend_domain()
            self._add(
                self.display(backend),
                f"backend serves {dom}'s block request",
                all_of(req.eq(1), self.runnable(backend)),
                {f"{dom}_req": Const(0)},
                guest=g,
            )

        # Sibling vCPU.
        if config.sibling_vcpus:
            self._add(
                actor,
                "brings vCPU1 online (PSCI CPU_ON)",
                all_of(run, sib.eq(0), susp.eq(0)),
                {f"{dom}_sib": Const(1)},
                guest=g,
            )
            self._add(
                actor,
                "vCPU1 goes offline (PSCI CPU_OFF)",
                all_of(run, sib.eq(1)),
                {f"{dom}_sib": Const(0)},
                guest=g,
            )
            for ctl in self.controls:
                if ctl == dom:
                    continue
                self._add(
                    f"toolstack in {self.display(ctl)}",
                    f"xl vcpu-set: {actor}'s vCPU1 online",
                    all_of(self.runnable(ctl), parked.eq(0), sib.eq(0)),
                    {f"{dom}_sib": Const(1)},
                    guest=g,
                    tag="fact:offline_check_locked",
                )

        # Wake-up interrupts.
        wakes = (g < config.guest_wakers()) if is_guest else dom in config.waking_domains
        if wakes and self.sleep_pc >= 0:
            sleeping = pc.eq(self.sleep_pc)
            lost = self.route_offline()
            self._add(
                "environment",
                f"device interrupt for {actor} wakes the host",
                all_of(sleeping, neg(lost)),
                {"pc": Const(self.woken_pc), f"{dom}_wake": ite(parked.eq(1), 1, wake)},
                guest=g,
            )
            if not isinstance(lost, Const):
                self._add(
                    "environment",
                    f"device interrupt for {actor} goes to offline pCPU {config.wake_irq_cpu}",
                    all_of(sleeping, lost, self.v("lost").eq(0)),
                    {"lost": Const(1)},
                    guest=g,
                    tag="fact:irqs_follow_cpu_down",
                )
        if wakes:
            not_sleeping = pc.ne(self.sleep_pc) if self.sleep_pc >= 0 else TRUE
            self._add(
                "environment",
                f"device interrupt for {actor}",
                all_of(not_sleeping, parked.eq(1), wake.eq(0)),
                {f"{dom}_wake": Const(1)},
                guest=g,
            )
            effects = {f"{dom}_wake": Const(0)}
            action = self.wake_action
            if action is WakeAction.RESUME_DOMAIN:
                effects[f"{dom}_parked"] = Const(0)
                text = f"resumes {actor}"
            elif action is WakeAction.UNBLOCK_ONLY:
                text = f"injects the interrupt; {actor} stays suspended"
            elif action is WakeAction.RESUME_HWDOM_FIRST:
                if dom != DOM0:
                    self._unpark(DOM0, effects)
                effects[f"{dom}_parked"] = Const(0)
                text = f"resumes Dom0 if suspended, then {actor}"
            else:
                for other in dict.fromkeys((config.backend_domain(), config.xenstore_domain())):
                    if other != dom:
                        self._unpark(other, effects)
                effects[f"{dom}_parked"] = Const(0)
                text = f"resumes the backend domains, then {actor}"
            self._add(
                "Xen (resume tasklet)",
                text,
                all_of(wake.eq(1), pc.eq(0)),
                effects,
                guest=g,
                tag="fact:wake_action",
            )

        # The toolstack resumes a suspended domain (a careful one: a frontend
        # only once its backend and xenstored domains run).
        ready: Expr = TRUE
        if is_guest and config.careful_toolstack:
            ready = all_of(
                self.runnable(config.backend_domain()), self.runnable(config.xenstore_domain())
            )
        for ctl in self.controls:
            if ctl == dom:
                continue
            self._add(
                f"toolstack in {self.display(ctl)}",
                f"xl resume {actor}",
                all_of(self.runnable(ctl), parked.eq(1), ready),
                {f"{dom}_parked": Const(0), f"{dom}_wake": Const(0)},
                guest=g,
            )

    # -- properties ------------------------------------------------------------

    def _property_exprs(self) -> dict[str, tuple[Expr, Expr | None]]:
        config = self.config
        pc = self.v("pc")
        halted = self.v("halted").eq(1)
        idle = pc.eq(0)
        some_guest_runs = all_of(neg(self.blocked), neg(GuestsAll("parked", 1)))
        backend = config.backend_domain()
        xs = config.xenstore_domain()
        providers_down = any_of(
            self.dom_field(backend, "parked").eq(1), self.dom_field(xs, "parked").eq(1)
        )
        out: dict[str, tuple[Expr, Expr | None]] = {}
        out["backend-before-frontend"] = (neg(all_of(some_guest_runs, providers_down)), None)
        out["requests-served"] = (GuestsAll("req", 0), None)

        done = {op: self.v(_field_op(op)).eq(1) for op in UNDO}
        pre = all_of(
            done[Op.DISABLE_NONBOOT_CPUS] if config.pcpus > 1 else TRUE,
            self.seq_expr().eq(0),
            done[Op.IRQS_OFF],
            done[Op.FREEZE_DOMAINS],
            done[Op.TIME_SUSPEND],
            done[Op.IOMMU_SUSPEND],
            done[Op.CONSOLE_SUSPEND],
            done[Op.GIC_SUSPEND],
            self.v("ctx").eq(1),
            self.all_parked_except(self.init_is) if Op.CHECK_PARKED in self.steps else TRUE,
        )
        out["firmware-preconditions"] = (
            all_of(*(any_of(pc.ne(k), pre) for k in self.firmware_pcs)),
            None,
        )
        out["resume-undoes-completed-steps"] = (self.v("ladder_bad").eq(0), None)
        out["hwdom-suspend-never-halts"] = (neg(halted), None)
        out["registers-written-by-own-handler"] = (self.v("clobbered").eq(0), None)
        some_control = any_of(*(self.runnable(c) for c in self.controls))
        out["control-domain-can-run"] = (any_of(neg(idle), halted, some_control), None)
        if self.sleep_pc >= 0:
            offline = all_of(pc.eq(self.sleep_pc), self.route_offline())
        else:
            offline = FALSE
        out["wake-targets-online-pcpu"] = (neg(offline), None)
        out["wake-resumes-host"] = (self.v("lost").eq(0), None)
        out["host-suspend-ends"] = (idle, None)
        everyone = all_of(
            idle,
            neg(self.blocked),
            GuestsAll("parked", 0),
            *(self.dom_field(d, "parked").eq(0) for d in self.fixed),
        )
        out["domains-run-again"] = (everyone, None)
        if config.sibling_vcpus:
            vcpus = all_of(
                *(
                    neg(all_of(self.dom_field(d, "parked").eq(1), self.dom_field(d, "sib").eq(1)))
                    for d in (*self.fixed, *self.guest_names)
                )
            )
        else:
            vcpus = TRUE
        out["suspend-vcpus-offline"] = (vcpus, None)
        woken = pc.eq(self.woken_pc) if self.woken_pc >= 0 else FALSE
        out["suspend-resume-possible"] = (woken, None)
        serving = all_of(neg(GuestsAll("req", 0)), self.runnable(backend))
        out["io-after-resume"] = (serving, woken)
        return out

    def flag_of(self, name: str) -> int:
        """The bit mask of a sticky flag field (0 if absent)."""
        if not self.layout.has(name):
            return 0
        spec = self.layout.spec(name)
        return 1 << spec.offset

    def properties(self, names: Sequence[str] | None = None) -> tuple[Property[int], ...]:
        """The checker's properties (compiled), in catalogue order."""
        flags = {
            "resume-undoes-completed-steps": "ladder_bad",
            "hwdom-suspend-never-halts": "halted",
            "registers-written-by-own-handler": "clobbered",
            "wake-resumes-host": "lost",
        }
        out: list[Property[int]] = []
        for spec in PROPERTIES:
            if names is not None and spec.name not in names:
                continue
            expr, after = self.exprs[spec.name]
            predicate = compile_predicate(expr, self.layout)
            needs = needed_facts(spec.name, self.config)
            if spec.kind is Kind.ALWAYS:
                flag = self.flag_of(flags[spec.name]) if spec.name in flags else 0
                out.append(
                    Property.always(
                        spec.name, predicate, spec.description, flag_mask=flag, needs=needs
                    )
                )
            elif spec.kind is Kind.NO_STUCK:
                out.append(
                    Property.no_stuck(
                        spec.name, predicate, spec.description, never=spec.never, needs=needs
                    )
                )
            else:
                out.append(
                    Property.sometimes(
                        spec.name,
                        predicate,
                        spec.description,
                        after=compile_predicate(after, self.layout) if after is not None else None,
                        needs=needs,
                    )
                )
        return tuple(out)

    def invariants_predicate(self, names: Sequence[str]) -> Callable[[int], bool]:
        """One generated predicate: every ALWAYS property among ``names`` holds."""
        exprs = [
            self.exprs[spec.name][0]
            for spec in PROPERTIES
            if spec.kind is Kind.ALWAYS and spec.name in names
        ]
        return compile_predicate(all_of(*exprs), self.layout)

    # -- traces ----------------------------------------------------------------

    def _fact_ref(self, tag: str) -> FactRef | None:
        if tag.startswith("fact:"):
            return self.given_facts.fact(tag[5:]).source
        if tag.startswith("op:"):
            _, op_name, path_fact = tag.split(":")
            ref = self.given_facts.location(Op(op_name))
            return ref if ref is not None else self.given_facts.fact(path_fact).source
        return None

    def _describe(self, action: Action, state: int, after: int) -> Step:
        layout = self.layout
        actor = action.actor
        if actor == "Xen":
            cpu = layout.get(state, "seq") if layout.has("seq") else self.seq_choices[0]
            actor = f"Xen on pCPU {cpu}"
        changes: list[str] = []
        for name in layout.order:
            old = layout.get(state, name)
            new = layout.get(after, name)
            if old != new:
                text = self._change_text(name, old, new, state)
                if text:
                    changes.append(text)
        return Step(actor, action.name, tuple(changes), self._fact_ref(action.tag))

    def describe_state(self, state: int) -> str:
        """The state in words: the host, then each domain, then broken rules."""
        layout = self.layout
        pc = layout.get(state, "pc")
        frozen = bool(evaluate(self.blocked, state, layout))
        if layout.get(state, "halted"):
            host = "host halted"
        elif pc == 0:
            host = "host active"
        elif pc == self.sleep_pc:
            host = "host asleep in firmware"
        else:
            ins = self.program[pc]
            pseudo = {"start": "system_suspend() starts", "woken": "hyp_resume()"}
            step = _OP_TEXT[ins.op] if ins.op is not None else pseudo.get(ins.label, ins.label)
            host = f"host suspend in progress (next: {step})"
        parts = [host]
        roles = self._roles()
        for dom in (*self.fixed, *self.guest_names):
            parked = layout.get(state, f"{dom}_parked")
            words = "suspended" if parked else ("frozen" if frozen else "running")
            if layout.has(f"{dom}_req") and layout.get(state, f"{dom}_req"):
                words += " with a block request outstanding"
            if layout.get(state, f"{dom}_wake"):
                words += ", wake-up pending"
            role = f" ({roles[dom]})" if roles.get(dom) else ""
            parts.append(f"{self.display(dom)}{role} {words}")
        for flag, text in (
            ("clobbered", "a continuation overwrote x0"),
            ("ladder_bad", "the resume ladder went wrong"),
            ("lost", "a wake-up interrupt was lost"),
        ):
            if layout.get(state, flag):
                parts.append(text)
        return "; ".join(parts)

    def _roles(self) -> dict[str, str]:
        config = self.config
        roles: dict[str, list[str]] = {dom: [] for dom in self.fixed}
        roles[DOM0].append("hardware")
        for dom in self.controls:
            roles[dom].append("control")
        roles[config.backend_domain()].append("backends")
        roles[config.xenstore_domain()].append("xenstored")
        return {dom: ", ".join(words) for dom, words in roles.items()}

    def _change_text(self, name: str, old: int, new: int, state: int) -> str:
        spec = self.layout.spec(name)
        who = self.display(spec.domain) if spec.domain else ""
        local = spec.local
        if local == "parked":
            return f"{who} suspended (SHUTDOWN_suspend)" if new else f"{who} resumed"
        if local == "wake":
            return f"{who}'s wake-up interrupt pending" if new else ""
        if local == "req":
            return f"{who} has a block request outstanding" if new else f"{who}'s request served"
        if local == "sib":
            return f"{who}'s vCPU1 {'online' if new else 'offline'}"
        if local == "susp" or name in ("seq", "init", "ctx"):
            return ""
        if name == "pc":
            if new == self.start_pc and old == 0:
                return (
                    "system_suspend() scheduled on pCPU 0"
                    if self.seq_choices == (0,)
                    else ("system_suspend() scheduled")
                )
            if new == self.sleep_pc:
                return "host suspended in firmware"
            if new == 0:
                return "system_suspend() over"
            return ""
        if name.startswith("done_"):
            op = Op(name[5:].replace("_", "-"))
            return _DONE_TEXT[op][0 if new else 1]
        if name == "again":
            return "another host suspend requested meanwhile" if new else ""
        if name == "clobbered" and new:
            return (
                "the continuation wrote system_suspend()'s result into the caller's x0 "
                "(its resume context id)"
            )
        if name == "ladder_bad" and new:
            return "a step was undone out of order, twice, never done, or not at all"
        if name == "halted" and new:
            return "hwdom_shutdown(): the host reboots or halts"
        if name == "lost" and new:
            return "the wake-up interrupt is lost"
        return ""


def const_bool(value: bool) -> Expr:
    return TRUE if value else FALSE


def _check_facts_shape(facts: SuspendFacts) -> None:
    """Facts that are known must be well formed (a bug in the extraction otherwise)."""

    def bad(message: str) -> InternalError:
        return InternalError(message, source="suspend facts")

    steps = facts.suspend_steps.value
    if isinstance(steps, tuple):
        for op in steps:
            if op not in FORWARD_OPS:
                raise bad(f"suspend_steps: {op} is not a forward operation")
        if Op.FIRMWARE in steps and steps.index(Op.FIRMWARE) != len(steps) - 1:
            raise bad("suspend_steps: the firmware call must be the last forward step")
    for name in ("resume_path",):
        path = facts.fact(name).value
        if isinstance(path, tuple):
            for op in path:
                if op in (Op.FIRMWARE, Op.CHECK_PARKED):
                    raise bad(f"{name}: {op} cannot appear on a resume path")
    errors = facts.error_paths.value
    if isinstance(errors, tuple):
        seen: set[Op] = set()
        for op, path in errors:
            if op not in FAILABLE and op is not Op.CHECK_PARKED:
                raise bad(f"error_paths: {op} cannot fail")
            if op in seen:
                raise bad(f"error_paths: {op} listed twice")
            seen.add(op)
            for step in path:
                if step in (Op.FIRMWARE, Op.CHECK_PARKED):
                    raise bad(f"error_paths: {step} cannot appear on an error path")
    cpu = facts.suspend_cpu.value
    if isinstance(cpu, int) and not 0 <= cpu < MAX_PCPUS:
        raise bad(f"suspend_cpu: no pCPU {cpu}")


def _fill_unknown(facts: SuspendFacts) -> SuspendFacts:
    changes = {name: _PLACEHOLDER.fact(name) for name in facts.missing()}
    return replace(facts, **changes) if changes else facts  # type: ignore[arg-type]


def build_model(config: SuspendConfig, facts: SuspendFacts) -> SuspendModel:
    """The model of ``config`` under ``facts`` (unknown facts filled with placeholders)."""
    return SuspendModel(config, facts)


def check_suspend(
    config: SuspendConfig,
    facts: SuspendFacts,
    *,
    symmetry: bool = True,
    bounds: Bounds | None = None,
    properties: Sequence[str] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> CheckResult:
    """Check the suspend model of ``config`` under ``facts``.

    Every property (or those named in ``properties``) gets a verdict, in
    catalogue order, then ``deadlock-free``.  A property needing a fact that
    is UNKNOWN is "unknown" with the reason "fact <name> not found"; the
    others are checked.
    """
    if properties is not None:
        for name in properties:
            if name not in PROPERTY_NAMES:
                raise ConfigError(f"no property {name!r}", source="model properties")
    model = build_model(config, facts)
    missing = set(model.unknown)
    wanted = [p for p in PROPERTY_NAMES if properties is None or p in properties]
    blocked: dict[str, str] = {}
    for name in [*wanted, DEADLOCK]:
        lacking = [f for f in needed_facts(name, config) if f in missing]
        if lacking:
            blocked[name] = "fact " + ", ".join(lacking) + " not found"
    runnable = [p for p in wanted if p not in blocked]
    result = check(
        model.engine,
        model.properties(runnable),
        symmetry=symmetry,
        bounds=bounds,
        progress=progress,
        invariants_hold=model.invariants_predicate,
    )
    merged: list[PropertyResult] = []
    for name in [*wanted, DEADLOCK]:
        if name in blocked:
            spec = next((s for s in PROPERTIES if s.name == name), None)
            merged.append(
                PropertyResult(
                    name=name,
                    kind=spec.kind if spec else Kind.ALWAYS,
                    verdict=Verdict.UNKNOWN,
                    description=spec.description if spec else "",
                    reason=blocked[name],
                    states=result.states,
                    transitions=result.transitions,
                    depth=result.depth,
                    seconds=result.seconds,
                )
            )
        else:
            merged.append(result.result(name))
    return replace(result, results=tuple(merged))
