"""The facts the suspend model takes from the patched tree.

The model does not read code.  What it needs to know about the series under
review comes in a :class:`SuspendFacts` record, filled by the fact
extraction of the model stage from the tree-sitter facts of the patched
tree.  Every fact is a :class:`Fact`: a value or :data:`UNKNOWN`, with the
location it was read from.  A fact that could not be found stays UNKNOWN,
and every property that needs it is reported "unknown: fact ... not found";
the model never guesses.

The host suspend sequence is described by three "path" facts over a fixed
vocabulary of operations (:class:`Op`): the forward steps of
``system_suspend()`` in order, the steps run when the firmware call returns
(after the host woke up, or when the call failed), and for each step that
can fail the steps its error path runs.  :func:`op_for_call` maps the C
names found in the tree to that vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import Final, Generic, TypeVar

from xenreview.model.trace import FactRef

__all__ = [
    "FAILABLE",
    "FORWARD_OPS",
    "OP_CALLS",
    "PARTIAL_ON_FAILURE",
    "UNDO",
    "UNKNOWN",
    "Fact",
    "HwdomSuspend",
    "Mechanism",
    "Op",
    "SuspendFacts",
    "Trigger",
    "Unknown",
    "WakeAction",
    "op_for_call",
]

T = TypeVar("T")


class Unknown(Enum):
    """The value of a fact that was not found."""

    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown.UNKNOWN


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """A value read from the patched tree (or UNKNOWN), and where it was read.

    ``note`` says how it was derived, or why it is unknown.
    """

    value: T | Unknown
    source: FactRef | None = None
    note: str = ""

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def get(self) -> T:
        """The value; raises ValueError when the fact is unknown."""
        if isinstance(self.value, Unknown):
            raise ValueError("fact is unknown")
        return self.value

    @staticmethod
    def unknown(note: str = "") -> Fact[T]:
        return Fact(UNKNOWN, None, note)


class HwdomSuspend(StrEnum):
    """What the hardware domain's virtual PSCI SYSTEM_SUSPEND does."""

    PARK = "park"  # domain_suspend(): parked in SHUTDOWN_suspend like a guest (v1, v2)
    REFUSED = "refused"  # PSCI_DENIED (upstream before host suspend)
    PLATFORM = "platform"  # x86 style: the hardware domain asks with a platform op, not parked


class Trigger(StrEnum):
    """Whose suspend starts the host suspend."""

    HARDWARE_DOMAIN = "hardware-domain"  # the hardware domain's suspend (v1, v2)
    LAST_CONTROL_DOMAIN = "last-control-domain"  # the last control domain still awake
    NONE = "none"  # nothing starts it


class Mechanism(StrEnum):
    """How the suspend handler hands over to ``system_suspend()``."""

    CONTINUATION = "hypercall-continuation"  # continue_hypercall_on_cpu(): writes the caller's x0
    TASKLET = "tasklet"  # tasklet_schedule_on_cpu(): nothing written back
    DIRECT = "direct-call"  # called in place, on the caller's pCPU
    NONE = "none"


class WakeAction(StrEnum):
    """What a wake-up interrupt of one of its devices does to a suspended domain."""

    RESUME_DOMAIN = "resume-domain"  # resumes that domain only (v1)
    UNBLOCK_ONLY = "unblock-only"  # injected, the domain stays parked (toolstack resumes it)
    RESUME_HWDOM_FIRST = "resume-hardware-domain-first"  # v2: hardware domain, then the domain
    RESUME_BACKENDS_FIRST = "resume-backends-first"  # every backend and xenstored domain first


class Op(StrEnum):
    """One operation of the host suspend sequence (the C names in comments)."""

    SET_SUSPEND_STATE = "set-suspend-state"  # system_state = SYS_STATE_suspend
    FREEZE_DOMAINS = "freeze-domains"  # freeze_domains()
    SCHEDULER_DISABLE = "scheduler-disable"  # scheduler_disable()
    CHECK_PARKED = "check-parked"  # abort unless every other domain is in SHUTDOWN_suspend
    DISABLE_NONBOOT_CPUS = "disable-nonboot-cpus"  # disable_nonboot_cpus()
    TIME_SUSPEND = "time-suspend"  # time_suspend()
    IOMMU_SUSPEND = "iommu-suspend"  # iommu_suspend()
    CONSOLE_SUSPEND = "console-suspend"  # console_suspend()
    IRQS_OFF = "irqs-off"  # local_irq_save() / local_irq_disable()
    GIC_SUSPEND = "gic-suspend"  # gic_suspend()
    PREPARE_RESUME_CTX = "prepare-resume-ctx"  # prepare_resume_ctx(): identity map, resume context
    FIRMWARE = "firmware"  # call_psci_system_suspend()
    GIC_RESUME = "gic-resume"
    IRQS_ON = "irqs-on"  # local_irq_restore() / local_irq_enable()
    CONSOLE_RESUME = "console-resume"
    IOMMU_RESUME = "iommu-resume"
    TIME_RESUME = "time-resume"
    RCU_BARRIER = "rcu-barrier"
    ENABLE_NONBOOT_CPUS = "enable-nonboot-cpus"
    SCHEDULER_ENABLE = "scheduler-enable"
    THAW_DOMAINS = "thaw-domains"
    SET_ACTIVE_STATE = "set-active-state"  # system_state = SYS_STATE_active
    RESUME_HWDOM = "resume-hardware-domain"  # resume_suspended_domain(hardware_domain)
    RESUME_INITIATOR = "resume-initiator"  # resume the domain whose suspend started it
    RESUME_BACKENDS = "resume-backends"  # resume every domain holding a backend or xenstored


# Which operation a C call (or assignment) stands for.
OP_CALLS: Final[Mapping[str, Op]] = {
    "SYS_STATE_suspend": Op.SET_SUSPEND_STATE,
    "freeze_domains": Op.FREEZE_DOMAINS,
    "scheduler_disable": Op.SCHEDULER_DISABLE,
    "disable_nonboot_cpus": Op.DISABLE_NONBOOT_CPUS,
    "time_suspend": Op.TIME_SUSPEND,
    "iommu_suspend": Op.IOMMU_SUSPEND,
    "console_suspend": Op.CONSOLE_SUSPEND,
    "local_irq_save": Op.IRQS_OFF,
    "local_irq_disable": Op.IRQS_OFF,
    "gic_suspend": Op.GIC_SUSPEND,
    "prepare_resume_ctx": Op.PREPARE_RESUME_CTX,
    "call_psci_system_suspend": Op.FIRMWARE,
    "gic_resume": Op.GIC_RESUME,
    "local_irq_restore": Op.IRQS_ON,
    "local_irq_enable": Op.IRQS_ON,
    "console_resume": Op.CONSOLE_RESUME,
    "iommu_resume": Op.IOMMU_RESUME,
    "time_resume": Op.TIME_RESUME,
    "rcu_barrier": Op.RCU_BARRIER,
    "enable_nonboot_cpus": Op.ENABLE_NONBOOT_CPUS,
    "scheduler_enable": Op.SCHEDULER_ENABLE,
    "thaw_domains": Op.THAW_DOMAINS,
    "SYS_STATE_active": Op.SET_ACTIVE_STATE,
}

# The operation that undoes each forward operation.
UNDO: Final[Mapping[Op, Op]] = {
    Op.SET_SUSPEND_STATE: Op.SET_ACTIVE_STATE,
    Op.FREEZE_DOMAINS: Op.THAW_DOMAINS,
    Op.SCHEDULER_DISABLE: Op.SCHEDULER_ENABLE,
    Op.DISABLE_NONBOOT_CPUS: Op.ENABLE_NONBOOT_CPUS,
    Op.TIME_SUSPEND: Op.TIME_RESUME,
    Op.IOMMU_SUSPEND: Op.IOMMU_RESUME,
    Op.CONSOLE_SUSPEND: Op.CONSOLE_RESUME,
    Op.IRQS_OFF: Op.IRQS_ON,
    Op.GIC_SUSPEND: Op.GIC_RESUME,
}

# Forward operations (those that may appear in ``suspend_steps``).
FORWARD_OPS: Final = frozenset(
    {*UNDO, Op.CHECK_PARKED, Op.PREPARE_RESUME_CTX, Op.FIRMWARE},
)

# Operations that return an error (failure can be injected into them).
FAILABLE: Final = (
    Op.DISABLE_NONBOOT_CPUS,
    Op.IOMMU_SUSPEND,
    Op.CONSOLE_SUSPEND,
    Op.GIC_SUSPEND,
    Op.FIRMWARE,
)

# A failure of these leaves part of their work done: their undo is still due
# (disable_nonboot_cpus() may have taken some pCPUs down before failing).
PARTIAL_ON_FAILURE: Final = frozenset({Op.DISABLE_NONBOOT_CPUS})


def op_for_call(name: str) -> Op | None:
    """The operation a C call name (or a ``system_state`` value) stands for."""
    return OP_CALLS.get(name)


@dataclass(frozen=True, slots=True)
class SuspendFacts:
    """Everything the suspend model needs to know about the patched tree.

    Fields (each a :class:`Fact`):

    ``hwdom_suspend``
        What the hardware domain's SYSTEM_SUSPEND does (:class:`HwdomSuspend`);
        source: the handler (``domain_suspend()`` / ``do_psci_1_0_system_suspend()``).
    ``hwdom_shutdown_halts``
        True when ``domain_shutdown(hardware_domain, SHUTDOWN_suspend)``
        reaches ``hwdom_shutdown()`` (reboot or halt).
    ``trigger``
        Whose suspend starts the host suspend (:class:`Trigger`).
    ``mechanism``
        How it is started (:class:`Mechanism`); source: the
        ``continue_hypercall_on_cpu`` / ``tasklet_schedule_on_cpu`` / call site.
    ``suspend_cpu``
        The pCPU ``system_suspend()`` runs on: 0, or None for "the pCPU the
        caller happens to run on".
    ``suspend_steps``
        The forward operations of ``system_suspend()``, in order (a tuple
        of :class:`Op`, ending with :attr:`Op.FIRMWARE` when the firmware is
        called at all).
    ``resume_path``
        The operations run after the firmware call returns, in order, to the
        end of the function: undo operations, ``rcu_barrier()``, and the
        domain operations (:attr:`Op.RESUME_HWDOM` where
        ``resume_suspended_domain(hardware_domain)`` is called,
        :attr:`Op.THAW_DOMAINS`, ...).  This is where "what happens to
        domains after resume" lives: thaw all (THAW_DOMAINS only), resume the
        hardware domain first (RESUME_HWDOM before THAW_DOMAINS), resume only
        the initiator (RESUME_INITIATOR), keep frontends frozen until their
        backends run (RESUME_BACKENDS before THAW_DOMAINS).
    ``error_paths``
        For each failable forward operation that has an error path, the
        operations that path runs (``goto`` target to the end of the
        function), as ``((op, (ops...)), ...)``.  A failable operation
        without an entry ignores its failure (execution goes on with the
        next step); a failing firmware call without an entry runs
        ``resume_path``.
    ``wake_action``
        What a wake-up interrupt of a device assigned to a suspended domain
        does (:class:`WakeAction`); source: ``domain_wake_from_suspend()`` and
        the resume tasklet.
    ``offline_check_locked``
        True when SYSTEM_SUSPEND's "every other vCPU is offline" check and
        the parking happen under the domain lock, so that no sibling vCPU can
        come online in between.
    ``irqs_follow_cpu_down``
        True when the interrupts routed to a pCPU going down are moved to
        pCPU 0 (needed only when wake interrupts are routed to another pCPU).

    ``op_locations`` (not a fact): where each operation of the paths is in
    the code, for the traces.
    """

    hwdom_suspend: Fact[HwdomSuspend]
    hwdom_shutdown_halts: Fact[bool]
    trigger: Fact[Trigger]
    mechanism: Fact[Mechanism]
    suspend_cpu: Fact[int | None]
    suspend_steps: Fact[tuple[Op, ...]]
    resume_path: Fact[tuple[Op, ...]]
    error_paths: Fact[tuple[tuple[Op, tuple[Op, ...]], ...]]
    wake_action: Fact[WakeAction]
    offline_check_locked: Fact[bool]
    irqs_follow_cpu_down: Fact[bool]
    op_locations: tuple[tuple[Op, FactRef], ...] = ()

    @staticmethod
    def all_unknown(note: str = "not extracted") -> SuspendFacts:
        """A record where every fact is UNKNOWN."""
        return SuspendFacts(
            hwdom_suspend=Fact.unknown(note),
            hwdom_shutdown_halts=Fact.unknown(note),
            trigger=Fact.unknown(note),
            mechanism=Fact.unknown(note),
            suspend_cpu=Fact.unknown(note),
            suspend_steps=Fact.unknown(note),
            resume_path=Fact.unknown(note),
            error_paths=Fact.unknown(note),
            wake_action=Fact.unknown(note),
            offline_check_locked=Fact.unknown(note),
            irqs_follow_cpu_down=Fact.unknown(note),
        )

    @staticmethod
    def names() -> tuple[str, ...]:
        """The names of the fact fields, in declaration order."""
        return tuple(f.name for f in fields(SuspendFacts) if f.name != "op_locations")

    def fact(self, name: str) -> Fact[object]:
        value = getattr(self, name)
        if not isinstance(value, Fact):
            raise KeyError(name)
        return value

    def missing(self) -> tuple[str, ...]:
        """The names of the facts that are UNKNOWN."""
        return tuple(name for name in self.names() if not self.fact(name).known)

    def location(self, op: Op) -> FactRef | None:
        for known, ref in self.op_locations:
            if known is op:
                return ref
        return None
