"""What every figure of the reports shares: the stamp's footer and the PNG bytes."""

from __future__ import annotations

import io


def stamp_footer(stamp: dict[str, str]) -> str:
    """``chaosbench <version> · commit <sha> · suite <name>`` (or ``N commits``)."""
    commits = str(stamp.get("git_commit", "?")).split("; ")
    commit = f"commit {commits[0]}" if len(commits) == 1 else f"{len(commits)} commits"
    version, suite = stamp.get("chaosbench_version", "?"), stamp.get("suite", "?")
    return f"chaosbench {version} · {commit} · suite {suite}"


def png_bytes(fig, dpi: int) -> bytes:
    """The figure as PNG bytes at ``dpi``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
