"""YAML read with limits: recursive aliases, alias bombs and deep nesting are refused.

An alias is composed as the very node its anchor names, so `a: &x [*x]` is a list that
holds itself, and a chain of anchors each repeating the one before nine times ("billion
laughs") stands for billions of nodes in a few lines. A reader walking either would recurse
until Python gives up or expand the document beyond memory. `guard(yaml)` gives a
round-trip loader a composer that refuses, before anything is constructed:

- an alias to a node that is still being composed (the alias lies inside its own anchor);
- aliases that together repeat more than `MAX_REPEATED_NODES` nodes;
- nesting deeper than `MAX_DEPTH`;
- explicit tags other than `!`, `!!seq` and `!!map` (`!!set`, `!!binary`, `!!python/...`,
  `!!int` or `!!float` on text that is no number, even `!!str`): no file read here needs
  them, and ruamel builds them into objects no reader expects (a tagged scalar, not text)
  or fails on them with errors that are not YAML errors.

Each refusal is a `MarkedYAMLError` with the line of the alias or of the node, so every
reader's own handling of malformed YAML names the file and line. The same module is
`codebook.yaml_guard` and `interviews.yaml_guard`: the two domain packages do not import
each other, so each keeps a copy, and a test keeps the copies equal.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

# Far deeper than any codebook, dictionary, settings or timeline file nests, and far from
# the depth at which composing (recursive in ruamel) exhausts Python's stack.
MAX_DEPTH = 100
# How many nodes all aliases may repeat between them: generous for anchors shared by hand
# (a list of choices reused by a few attributes), far below what would exhaust memory.
MAX_REPEATED_NODES = 100_000
CORE_TAG = "tag:yaml.org,2002:"
# "!" alone is the plain untagged reading; "!!seq" and "!!map" say what the node is anyway.
ALLOWED_TAGS = frozenset(["!", CORE_TAG + "seq", CORE_TAG + "map"])


class YAMLLimitError(MarkedYAMLError):
    """A document the guarded composer refuses: a recursive alias, an alias bomb, deep nesting,
    a tag other than text, list or mapping."""


class GuardedComposer(Composer):
    """ruamel's composer, counting what aliases repeat and refusing what cannot be read."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        # A reused anchor name is valid YAML (the later one counts); no warning on stderr.
        self.warn_double_anchors = False
        self._sizes: dict[int, int] = {}
        self._repeated = 0

    def compose_document(self) -> Any:
        """Compose one document with fresh counts."""
        self._sizes = {}
        self._repeated = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose a node, refusing recursive aliases, too many repeats and deep nesting."""
        if self.parser.check_event(AliasEvent):
            self._count_alias(self.parser.peek_event())
            return super().compose_node(parent, index)
        event = self.parser.peek_event()
        if self.depth >= MAX_DEPTH:
            raise YAMLLimitError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        tag = getattr(event, "ctag", None)
        if tag is not None and str(tag) not in ALLOWED_TAGS:
            written = str(tag).replace(CORE_TAG, "!!", 1)
            advice = "; put text in quotes instead" if isinstance(event, ScalarEvent) else ""
            raise YAMLLimitError(
                None,
                None,
                f"the tag {written} is not used in this file{advice}",
                event.start_mark,
            )
        node = super().compose_node(parent, index)
        self._sizes[id(node)] = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
        return node

    def _count_alias(self, event: Any) -> None:
        target = self.anchors.get(event.anchor)
        if target is None:
            return  # ruamel refuses an undefined alias itself.
        size = self._sizes.get(id(target))
        if size is None:
            # Anchored nodes get their size once complete: this one is still open.
            raise YAMLLimitError(
                None,
                None,
                f"the alias *{event.anchor} refers to a node that contains it (a recursive alias)",
                event.start_mark,
            )
        self._repeated += size
        if self._repeated > MAX_REPEATED_NODES:
            raise YAMLLimitError(
                None,
                None,
                f"aliases repeat more than {MAX_REPEATED_NODES:,} nodes "
                f"(at the alias *{event.anchor})",
                event.start_mark,
            )


def _children(node: Any) -> list[Any]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def guard(yaml: YAML) -> YAML:
    """The same loader, composing with `GuardedComposer`; returned for chaining."""
    yaml.Composer = GuardedComposer
    return yaml


def bad_date_line(text: str) -> int | None:
    """The 1-based line of the first date-like scalar that is not a valid date, composed
    under the same limits; for naming the line of a date the loader refused."""
    pending: list[Any] = [guard(YAML(typ="rt")).compose(text)]
    while pending:
        node = pending.pop()
        if isinstance(node, ScalarNode):
            if (node.tag or "").endswith(":timestamp"):
                try:
                    YAML(typ="safe", pure=True).load(node.value)
                except ValueError:
                    return int(node.start_mark.line) + 1
        else:
            pending.extend(reversed(_children(node)))
    return None
