"""The fictional example studies: invented transcripts and two coders' codings, reproducible."""

from research.demo.builder import (
    DEFAULT_EXAMPLE,
    DEMO_CODERS,
    EXAMPLES,
    Example,
    build_demo,
    example_named,
    load_demo_interviews,
    write_plain_transcripts,
)

__all__ = [
    "DEFAULT_EXAMPLE",
    "DEMO_CODERS",
    "EXAMPLES",
    "Example",
    "build_demo",
    "example_named",
    "load_demo_interviews",
    "write_plain_transcripts",
]
