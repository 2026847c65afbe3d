"""Recipe: "[PATCH v2 00/18] xen/arm: Suspend to RAM support".

The patches are described once, in ``xen-arm-suspend-v1/recipe.py``; this
version differs where that file says ``if v2``: the host suspend runs from
a tasklet on pCPU 0 and the hardware domain (PV backends, xenstored) is
resumed before any guest can run.
"""

from __future__ import annotations

from typing import Any


def build(s: Any) -> None:
    s.load("xen-arm-suspend-v1").build_suspend(s, version=2)
