"""The application shell of the migration research toolkit: storage, services, CLI.

Notebooks start with `research.open_study(path)`; see `research.study`.
"""

from research.study import Study, create_study, open_study

__all__ = ["Study", "create_study", "open_study"]
