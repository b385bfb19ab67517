"""The application shell of the migration research toolkit: storage, services, CLI.

Notebooks start with `research.open_study(path)`; see `research.study`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from research.study import Study, create_study, open_study

__all__ = ["Study", "create_study", "open_study"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that `research --help` (which imports research.cli) does not
    # pay for the database layer and every service.
    if name in __all__:
        from research import study

        return getattr(study, name)
    raise AttributeError(f"module 'research' has no attribute {name!r}")
