"""New headers whose include guard is missing or not named after their path.

**What it flags**

A header created by the patch when

- it has no include guard (its first directive is not ``#ifndef NAME``
  followed by ``#define NAME``);
- the ``#define`` names another macro than the ``#ifndef``;
- the guard is not built from the header's path (see below): typically a
  guard copied from the header the new one was started from;
- the closing ``#endif`` does not repeat the name in a comment.

The expected name, from the path (the leading ``xen/`` dropped):
``include/xen/<p>.h`` gives ``__XEN_<P>_H__``; ``include/public/<p>.h``
gives ``__XEN_PUBLIC_<P>_H__``; ``arch/<arch>/include/asm/<p>.h`` gives
``__ASM_<ARCH>_<P>_H__``; ``include/asm-generic/<p>.h`` gives
``__ASM_GENERIC_<P>_H__``; ``/`` and other separators become ``_``.  The
comparison ignores leading, trailing and doubled underscores, so the
newer upstream spelling without them (``ASM__ARM__PSCI_H``) is accepted too,
and so are the older Xen habits for arch headers of leaving out the arch or
the ``ASM`` (``__ASM_PSCI_H__``, ``__ARM_PSCI_H__``).  Other headers
(private ones beside their ``.c`` files) only need a guard ending in their
file name and ``_H``.

**Why it matters for Xen**

Two headers with the same guard silently empty one another: whichever is
included second vanishes, and the build breaks far away, or worse, a
declaration quietly goes missing.  Naming guards after paths rules that
out, and MISRA C Directive 4.10 asks for guards on every header.

**Example**

A new ``xen/arch/arm/include/asm/suspend.h`` that starts with

    #ifndef __ASM_ARM_PSCI_H__
    #define __ASM_ARM_PSCI_H__

**Suggested fix**

    #ifndef __ASM_ARM_SUSPEND_H__
    #define __ASM_ARM_SUSPEND_H__
    ...
    #endif /* __ASM_ARM_SUSPEND_H__ */

The finding carries the corrected line where the name is known.

**References**

CODING_STYLE of the tree under review ("Files": guard names built from the
path, the ``#endif`` comment); Xen's CODING_STYLE section on header
inclusion guards; MISRA C:2012 Directive 4.10.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from xenreview.diff.model import FileDiff
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_style import CLine, lex, new_file_lines

RULE = Rule(
    code="STY012",
    name="header-guard-name",
    family="style",
    scope=Scope.FILE,
    severity=Severity.WARNING,
    paths=("*.h",),
)

_IFNDEF = re.compile(r"#\s*(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(\s*(\w+)\s*\))\s*\Z")
_DEFINE = re.compile(r"#\s*define\s+(\w+)\s*\Z")
_ENDIF = re.compile(r"#\s*endif\b")


def normalise(name: str) -> str:
    """A guard or path in capitals with single ``_`` separators and none at the ends."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def expected_guards(path: str) -> tuple[str, ...]:
    """The normalised guard names a header at ``path`` may use (empty: any, see rule)."""
    parts = path.split("/")
    if parts[:1] == ["xen"]:
        parts = parts[1:]
    if parts[:2] == ["include", "public"]:
        return (normalise("_".join(["XEN_PUBLIC", *parts[2:]])),)
    if parts[:2] == ["include", "xen"]:
        return (normalise("_".join(["XEN", *parts[2:]])),)
    if parts[:2] == ["include", "asm-generic"]:
        return (normalise("_".join(["ASM_GENERIC", *parts[2:]])),)
    if len(parts) > 2 and parts[0] == "include" and parts[1].startswith("asm-"):
        return _arch_guards(parts[1][4:], parts[2:])
    if len(parts) > 4 and parts[0] == "arch" and parts[2:4] == ["include", "asm"]:
        return _arch_guards(parts[1], parts[4:])
    return ()


def _arch_guards(arch: str, rest: Sequence[str]) -> tuple[str, ...]:
    """``ASM_ARM_X_H`` first (the one suggested), then the older ``ASM_X_H``, ``ARM_X_H``."""
    prefixes = (["ASM", arch], ["ASM"], [arch])
    return tuple(normalise("_".join([*prefix, *rest])) for prefix in prefixes)


def check(file: FileDiff, ctx: Context) -> Iterator[Finding]:
    diff_lines = new_file_lines(file)
    if not diff_lines:
        return
    lines = lex([line.value for line in diff_lines], diff_lines)
    code = [k for k, cline in enumerate(lines) if cline.has_code]
    if not code:
        return
    allowed = expected_guards(file.path)
    wanted = f"__{allowed[0]}__" if allowed else None
    described = f"`{wanted}`" if wanted else "a macro ending in the file name and _H"
    first = lines[code[0]]
    m = _IFNDEF.match(first.code_stripped)
    if m is None:
        yield _report(
            ctx,
            first,
            f"Guard this new header with `#ifndef`/`#define` of {described} "
            "as its first directive.",
            None,
        )
        return
    name = m.group(1) or m.group(2)
    name_for_rest = name
    if not _fits(name, allowed, file.path):
        yield _report(
            ctx,
            first,
            f"Name this header's guard after its path ({described}), not `{name}`: "
            "a guard shared with another header hides one of them.",
            f"#ifndef {wanted}" if wanted else None,
        )
        name_for_rest = wanted or name
    if len(code) > 1:
        second = lines[code[1]]
        d = _DEFINE.match(second.code_stripped)
        if d is None or d.group(1) != name:
            yield _report(
                ctx,
                second,
                f"Follow `#ifndef {name}` with `#define {name}`, or the guard does not guard.",
                f"#define {name_for_rest}",
            )
    yield from _check_endif(ctx, lines, code, name, name_for_rest)


def _fits(name: str, allowed: Sequence[str], path: str) -> bool:
    got = normalise(name)
    if allowed:
        return got in allowed
    stem = normalise(path.rsplit("/", 1)[-1])
    return got == stem or got.endswith("_" + stem)


def _check_endif(
    ctx: Context, lines: Sequence[CLine], code: Sequence[int], name: str, wanted: str
) -> Iterator[Finding]:
    last = lines[code[-1]]
    if not _ENDIF.match(last.code_stripped):
        return  # something after the guard: not this rule's business
    comment = last.text[len(last.code.rstrip()) :].strip()
    inner = comment.removeprefix("/*").removesuffix("*/").strip()
    if normalise(inner) == normalise(name) and inner:
        return
    yield _report(
        ctx,
        last,
        f"Repeat the guard's name in a comment on the closing `#endif`: `#endif /* {wanted} */`.",
        f"#endif /* {wanted} */",
    )


def _report(ctx: Context, cline: CLine, message: str, fix: str | None) -> Finding:
    assert cline.line is not None
    return ctx.finding(RULE, message, line=cline.line, fix=fix)
