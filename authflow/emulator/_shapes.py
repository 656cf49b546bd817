"""The vocabulary the generated input model (:mod:`authflow.emulator._service_model`) is
written in."""

from __future__ import annotations

import attrs

__all__ = ["Shape"]


@attrs.frozen
class Shape:
    """One input shape of the Cognito service model, reduced to what validation needs.

    ``kind`` is the model type (``structure``, ``list``, ``map``, ``string``, ``integer``, ``long``,
    ``boolean``, ``timestamp``, ``blob``, ``document``, ``double``, ``float``); ``members`` maps
    a structure's member names to shape names in model order; ``member`` / ``key`` / ``value``
    name the element shapes of lists and maps. ``min``/``max`` are lengths for strings, lists and
    maps and bounds for numbers; ``pattern`` is the model's Java regular expression, matched in
    full.
    """

    kind: str
    members: tuple[tuple[str, str], ...] = ()
    required: tuple[str, ...] = ()
    member: str | None = None
    key: str | None = None
    value: str | None = None
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    sensitive: bool = False
