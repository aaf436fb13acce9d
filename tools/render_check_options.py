"""Write kubectl_arch/audit/declared_options.py: the command-line inputs the checks declare, so the audit
command builds its flags without importing every check (the catalogue then loads after the first request).
Run after a check adds or changes a ``CheckOption``; tests/audit/test_declared_options.py fails while the file
is stale.

    python tools/render_check_options.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `kubectl_arch` importable from this checkout
    sys.path.insert(0, str(ROOT))

TARGET = ROOT / "kubectl_arch" / "audit" / "declared_options.py"


def module_text() -> str:
    """The module, from the catalogue's own ``options_of``: the flags in the order the command adds them."""
    from kubectl_arch.audit.registry import catalogue, options_of

    lines = [
        '"""The command-line inputs the checks declare, in flag order: written by tools/render_check_options.py,',
        "do not edit.",
        "",
        "Read by kubectl_arch/audit/inputs.py: the audit command gets its flags without importing every check.",
        '"""',
        "",
        "from kubectl_arch.audit.check import CheckOption, OptionKind",
        "",
        "OPTIONS = (",
    ]
    for option in options_of(catalogue().values()):
        lines += [
            "    CheckOption(",
            f"        name={option.name!r},",
            f"        help={option.help!r},",
            f"        kind=OptionKind.{option.kind.name},",
            f"        metavar={option.metavar!r},",
            f"        example={option.example!r},",
            "    ),",
        ]
    return "\n".join([*lines, ")", ""])


def main() -> None:
    TARGET.write_text(module_text())
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
