"""Trained presets: their configurations, and their weights."""

from fastapi import APIRouter, HTTPException

from ..engine.presets import list_presets, load_preset
from .errors import documented
from .respond import json_response
from .schemas import Preset, PresetSummary

router = APIRouter(prefix="/api/presets", tags=["presets"])


@router.get("", response_model=list[PresetSummary], summary="The presets")
async def presets():
    """Every preset: id, the configuration it was trained with, accuracy (or R²) on fresh examples."""
    return json_response(list_presets())


@router.get(
    "/{preset_id}", response_model=Preset, responses=documented(404), summary="One preset"
)
async def preset(preset_id: str):
    """One preset with its params: `config` + `params` + any `seed` is a valid trace request."""
    try:
        return json_response(load_preset(preset_id))
    except KeyError:
        raise HTTPException(404, f"no preset {preset_id[:100]!r}; see GET /api/presets") from None
