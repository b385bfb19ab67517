"""The fictional demo study: invented transcripts with two coders' codings, built deterministically."""

from research.demo.builder import DEMO_CODERS, build_demo, load_demo_interviews

__all__ = ["DEMO_CODERS", "build_demo", "load_demo_interviews"]
