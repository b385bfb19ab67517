"""Opening and creating studies: the entry point for the CLI, the web app and notebooks.

    >>> import research
    >>> study = research.open_study("demo-study")
    >>> study.codings.list_codings(code="motives/economy/unemployment")[:1]

Each service module is reachable as an attribute (`study.respondents`, `study.interviews`,
`study.codings`, `study.codebooks`, `study.timeline`, `study.study_info`,
`study.dictionaries`, `study.analysis_settings`, `study.transcript_search`); calling one of
its functions runs it in its own transaction, committed on success and rolled back on any
error. For several steps in one transaction, use `with study.transaction() as session:`
and call the service functions with that session.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from research.errors import ProblemsError, StudyExistsError
from research.services import study_info
from research.services.bulk import writes_in_bulk
from research.settings import (
    DATABASE_FILE,
    SETTINGS_FILE,
    StudyLocation,
    check_database_url,
    locate_study,
    sqlite_url,
    write_settings,
)
from research.storage import database

if TYPE_CHECKING:
    from codebook import Codebook
    from interviews.dictionary import DataDictionary
    from research.services.compaction import CompactReport
    from research.services.records import StudySummary
    from research.services.timeline import TimelineEvent
    from research.study_settings import StudySettings
    from research.study_templates import StudyTemplate, karabakh_settings


def __getattr__(name: str) -> Any:
    # Re-exported for notebooks and scripts, loaded on first use: the templates read YAML.
    if name == "karabakh_settings":
        from research.study_templates import karabakh_settings

        return karabakh_settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BoundServices",
    "Study",
    "create_study",
    "karabakh_settings",
    "open_study",
]


class BoundServices:
    """A service module whose functions each run in a fresh transaction of one study.

    The module is imported on first use: a command that reads the study's summary does not
    pay for the services of codings, search and import.
    """

    def __init__(self, study: Study, module: str) -> None:
        self._study = study
        self._name = module

    @functools.cached_property
    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            # Private names (the cached module among them) are never looked up as services.
            raise AttributeError(name)
        function = getattr(self._module, name)
        if not callable(function):
            raise AttributeError(name)

        if inspect.isgeneratorfunction(function):
            # A stream (`iter_codings`) reads as it is used: its transaction lasts as long.
            @functools.wraps(function)
            def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
                with self._study.transaction() as session:
                    yield from function(session, *args, **kwargs)

            return stream

        in_bulk = writes_in_bulk(function)

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            # Immediate: a call from a script may write while the web app writes too.
            with self._study.transaction(immediate=True, bulk=in_bulk) as session:
                return function(session, *args, **kwargs)

        return call

    def __dir__(self) -> list[str]:
        return [name for name in dir(self._module) if not name.startswith("_")]


class Study:
    """An open study: its location, its engine and its services."""

    def __init__(self, location: StudyLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.study_info = BoundServices(self, "research.services.study_info")
        self.codebooks = BoundServices(self, "research.services.codebooks")
        self.respondents = BoundServices(self, "research.services.respondents")
        self.interviews = BoundServices(self, "research.services.interviews")
        self.codings = BoundServices(self, "research.services.codings")
        self.passes = BoundServices(self, "research.services.passes")
        self.layers = BoundServices(self, "research.services.layers")
        self.coding_sources = BoundServices(self, "research.services.coding_sources")
        self.timeline = BoundServices(self, "research.services.timeline")
        self.dictionaries = BoundServices(self, "research.services.dictionaries")
        self.analysis_settings = BoundServices(self, "research.services.analysis_settings")
        self.transcript_search = BoundServices(self, "research.services.transcript_search")

    @property
    def folder(self) -> Path:
        """The study's folder."""
        return self.location.folder

    @contextmanager
    def transaction(self, *, immediate: bool = False, bulk: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error.

        `immediate=True` is for work that writes while others may write too (the web app):
        on SQLite it takes the write lock at the start and waits its turn. `bulk=True` (which
        is immediate too) is for writing in bulk: a SQLite study that no other connection
        has open is written through a rollback journal for the transaction, which writes
        each new page once instead of twice (`database.BULK`).
        """
        with self._sessions() as session, session.begin():
            if immediate or bulk:
                session.connection(
                    execution_options={database.IMMEDIATE: True, database.BULK: bulk}
                )
            yield session

    def summary(self) -> StudySummary:
        """Counts and facts describing the study."""
        with self.transaction() as session:
            return study_info.summarise(session, database=_describe(self.location))

    def compact(self) -> CompactReport:
        """Give back to the disk the space the study no longer uses, and merge its search
        index (`services.compaction`); how large it was before and after."""
        from research.services import compaction

        return compaction.compact_study(self.engine)

    def codebook(self) -> Codebook:
        """The study's current codebook."""
        from research.services import codebooks

        with self.transaction() as session:
            return codebooks.load_codebook(session)

    def dictionary(self) -> DataDictionary:
        """The study's data dictionary."""
        with self.transaction() as session:
            return study_info.load_dictionary(session)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _describe(location: StudyLocation) -> str:
    if location.is_sqlite:
        return str(location.folder / DATABASE_FILE)
    return database.masked_url(location.database_url)


def open_study(path: str | Path = ".", *, check: bool = False) -> Study:
    """Open the study in `path`, upgrading its database (after a backup) if it is older.

    What the path holds is checked before anything is written: a file that is not SQLite,
    a damaged or truncated one, a database that is not a study (or holds more than one)
    and a study newer than this toolkit are refused with StudyDatabaseError. `check=True`
    also reads every page of a SQLite study (`PRAGMA quick_check`), as an upgrade always
    does; otherwise damage is named when SQLite meets it.
    """
    location = locate_study(Path(path))
    return Study(location, database.open_engine(location.database_url, thorough=check))


def create_study(
    path: str | Path,
    *,
    name: str | None = None,
    template: StudyTemplate | str | Path | None = None,
    codebook: Codebook | None = None,
    dictionary: DataDictionary | None = None,
    timeline_events: Sequence[TimelineEvent] | None = None,
    settings: StudySettings | None = None,
    database_url: str | None = None,
    fictional: bool = False,
) -> Study:
    """Create a study folder with a database at the newest schema, started from a template.

    `template` is a StudyTemplate, the name of a shipped one or a template folder (default:
    blank); `codebook`, `dictionary`, `timeline_events` and `settings` replace its parts.
    Nothing is created unless every part fits: the dictionary defines the attributes every
    interview records and the settings name attributes and codes the study has.
    """
    # Imported here: opening a study needs none of what creating one checks and stores.
    from research.services import codebooks, timeline
    from research.services.dictionaries import core_problems
    from research.study_settings import check_settings

    chosen = _template(template)
    codebook = chosen.codebook if codebook is None else codebook
    dictionary = chosen.dictionary if dictionary is None else dictionary
    events = chosen.timeline if timeline_events is None else timeline_events
    settings = chosen.settings if settings is None else settings
    problems = [f"data dictionary: attribute {problem}" for problem in core_problems(dictionary)]
    misfits = check_settings(settings, dictionary=dictionary, codebook=codebook)
    problems.extend(f"settings: {problem}" for problem in misfits)
    if problems:
        hint = "; give settings that fit (empty settings do)" if misfits else ""
        raise ProblemsError(f"the study was not created{hint}", problems)
    folder = Path(path)
    if (folder / DATABASE_FILE).exists() or (folder / SETTINGS_FILE).exists():
        raise StudyExistsError(f"{folder} already holds a study")
    if database_url is not None:
        check_database_url(database_url, where="--database-url")
    url = database_url or sqlite_url(folder)
    database.check_empty(url)
    with _undone_on_failure(folder, url):
        folder.mkdir(parents=True, exist_ok=True)
        if database_url is not None:
            write_settings(folder, database_url)
        engine = database.make_engine(url)
        try:
            # Tables and contents in one transaction: a study is created whole or not at all.
            with (
                database.migration_connection(engine) as connection,
                Session(bind=connection) as session,
            ):
                database.upgrade_on(connection)
                study_info.set_fact(session, study_info.NAME, name or folder.resolve().name)
                study_info.set_fact(session, study_info.FICTIONAL, "true" if fictional else "false")
                study_info.store_dictionary(session, dictionary)
                study_info.store_settings(session, settings)
                codebooks.store_codebook(session, codebook)
                timeline.seed_events(session, events)
                session.flush()
        except BaseException:
            engine.dispose()
            raise
    return Study(StudyLocation(folder, url), engine)


@contextmanager
def _undone_on_failure(folder: Path, url: str) -> Iterator[None]:
    """Remove what creating a study made (its folder, study.toml, the SQLite file) if it fails."""
    made_folder = not folder.exists()
    sqlite_file = database.sqlite_path(url)
    made_file = sqlite_file is not None and not sqlite_file.exists()
    settings = folder / SETTINGS_FILE
    try:
        yield
    except BaseException:
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
        settings.unlink(missing_ok=True)
        if made_file and sqlite_file is not None:
            for leftover in ("", "-wal", "-shm", "-journal"):
                Path(f"{sqlite_file}{leftover}").unlink(missing_ok=True)
        raise


def _template(template: StudyTemplate | str | Path | None) -> StudyTemplate:
    from research.study_templates import DEFAULT_TEMPLATE, StudyTemplate, find_template

    if isinstance(template, StudyTemplate):
        return template
    return find_template(DEFAULT_TEMPLATE if template is None else template)
