"""The fictional demo study: invented transcripts and two coders' codings, built reproducibly."""

from research.demo.builder import DEMO_CODERS, build_demo, load_demo_interviews

__all__ = ["DEMO_CODERS", "build_demo", "load_demo_interviews"]
