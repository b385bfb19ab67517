"""Coding layers: every coding belongs to one, a coder's own or the team's consensus.

A coder's layer holds what that coder applied while reading; the consensus layer holds the
codings a team settled on (adjudicated, or copied from one coder's layer until then). The
database refuses any other layer name.
"""

from __future__ import annotations

from typing import Final

CODER_LAYER: Final = "coder"
CONSENSUS_LAYER: Final = "consensus"
# Every layer, in the order they are listed and offered.
LAYERS: Final = (CODER_LAYER, CONSENSUS_LAYER)
LAYER_TITLES: Final = {
    CODER_LAYER: "a coder's own codings",
    CONSENSUS_LAYER: "the consensus the team settled on",
}

