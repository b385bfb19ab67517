"""The coding view and the codings API (being built)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])
