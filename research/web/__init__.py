"""The local web app: field entry, coding sessions, codebook, retrieval and dashboard pages.

`create_app(study)` builds a FastAPI application whose routes are thin callers of the
service layer, the same functions the CLI calls; `research serve` runs it on 127.0.0.1.
"""

from research.web.app import create_app

__all__ = ["create_app"]
