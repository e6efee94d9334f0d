"""Where the shared external test data lives (``../shared/vectors`` beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VECTORS = Path(os.environ.get("INSIGNIA_VECTORS", REPO.parent / "shared" / "vectors")).resolve()
SHARED = VECTORS.parent
