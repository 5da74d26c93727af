"""A trainer preparing a training day: every SOP's flowchart as PNG (Indonesian, for the slides)
and SVG (English, for the reviewers), and the printable booklet in both languages, written
to ./training/."""

from __future__ import annotations

from pathlib import Path

import sopfsm
from sopfsm.diagram import booklet_html, render_files


def main(out: Path = Path("training")) -> list[Path]:
    sops = sopfsm.all_sops()
    written = render_files(sops, out / "id", ["png"], lang="id")
    written += render_files(sops, out / "en", ["svg"], lang="en")
    for lang in sopfsm.LANGS:
        booklet = out / f"booklet-{lang}.html"
        booklet.write_text(booklet_html(sops, lang), encoding="utf-8")
        written.append(booklet)
    for path in written:
        print(f"{path} ({path.stat().st_size // 1024} KiB)")
    return written


if __name__ == "__main__":
    main()
