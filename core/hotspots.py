"""Target areas on a screenshot: where a tap counts, for tap-the-spot questions (quizzes) and guided
practice steps in lessons (courses). Pure geometry: nothing here touches Django or the database, so the
question data and the lesson blocks can both use it and it can be checked in a plain unit test.

Edited in the admin with the hotspot editor (``core.hotspot_editor``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

MAX_AREAS = 20


@dataclass(frozen=True)
class HotspotArea:
    """A target on a screenshot, in fractions of the image: x/y/w/h of width/height; r of the width."""

    shape: Literal["rect", "circle"]
    x: float
    y: float
    w: float = 0
    h: float = 0
    r: float = 0

    def problems(self) -> list[str]:
        numbers = (self.x, self.y, self.w, self.h, self.r)
        if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
            return ["区域坐标必须是数字"]
        if not all(math.isfinite(n) for n in numbers):
            return ["区域坐标必须是有限的数字"]
        if not (0 <= self.x <= 1 and 0 <= self.y <= 1):
            return ["区域位置必须在图片范围内（0 到 1 之间）"]
        eps = 1e-9
        if self.shape == "rect":
            if self.w <= 0 or self.h <= 0:
                return ["矩形区域的宽和高必须大于 0"]
            if self.x + self.w > 1 + eps or self.y + self.h > 1 + eps:
                return ["矩形区域超出了图片范围"]
            return []
        if self.shape == "circle":
            if not 0 < self.r <= 1:
                return ["圆形区域的半径必须大于 0 且不超过图片宽度"]
            return []
        return [f"未知的区域形状「{self.shape}」（应为 rect 或 circle）"]
