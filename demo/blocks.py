"""Builders for the demo's lesson data: every block in exactly the raw shape courses.blocks expects.

{"illustration": key, "alt": text} stands for an image the loader draws with demo.illustrations.
"""

from __future__ import annotations


def shot(key: str, alt: str) -> dict:
    return {"illustration": key, "alt": alt}


def heading(text: str, level: str = "h2") -> tuple[str, dict]:
    return ("heading", {"text": text, "level": level})


def para(html: str) -> tuple[str, str]:
    return ("paragraph", html)


def image(key: str, alt: str, caption: str = "") -> tuple[str, dict]:
    return ("image", {"image": shot(key, alt), "caption": caption})


def step(instruction: str, key: str | None = None, alt: str = "", tip: str = "") -> dict:
    return {"instruction": instruction, "screenshot": shot(key, alt) if key else None, "tip": tip}


def steps(title: str, *items: dict) -> tuple[str, dict]:
    return ("steps", {"title": title, "steps": list(items)})


def callout(kind: str, title: str, html: str) -> tuple[str, dict]:
    return ("callout", {"kind": kind, "title": title, "text": html})


def points(*items: str, title: str = "本课要点") -> tuple[str, dict]:
    return ("key_points", {"title": title, "points": list(items)})


def tap(key: str, alt: str, instruction: str, area: tuple[float, float, float, float], hint: str) -> dict:
    """One step of a guided practice: the screenshot (use a "-plain" key), what to tap, where, a hint."""
    x, y, w, h = area
    return {
        "screenshot": shot(key, alt),
        "instruction": instruction,
        "area": {"shape": "rect", "x": x, "y": y, "w": w, "h": h},
        "hint": hint,
    }


def practice(title: str, intro: str, *taps: dict) -> tuple[str, dict]:
    return ("practice", {"title": title, "intro": intro, "steps": list(taps)})
